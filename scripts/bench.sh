#!/usr/bin/env bash
# Benchmark of scoring N dossiers in two layouts (issues 9 and 19). Not a test. Usage:
#
#     scripts/bench.sh [N ...]        # N dossiers, default 2000000, both layouts
#     scripts/bench.sh 1000000 3000000   # several sizes, one table
#     REPEAT=3 scripts/bench.sh 200000
#     LAYOUT=department scripts/bench.sh 3000000
#     LAYOUT=server scripts/bench.sh 1000000     # the web app: uploads against `parindex score`
#
# Options (environment):
#   LAYOUT   both (default), province, department or server:
#            province   — 150 units (UNITS=…) as province-wide exports, target/bench/<N>/
#                         (tools/gen-province-large/generate.py): units.csv, facts.csv,
#                         survey.csv and every table with a `ma_don_vi` column;
#            server     — the web app: `cargo run --release -p parindex-server --example bench
#                         -- --folder target/bench/dept-<N>` (uploads over loopback HTTP
#                         against `parindex score`), nothing else;
#            department — one department's own folder, target/bench/dept-<N>/
#                         (generate.py --department $DEPT): unit.toml, facts.toml, survey.csv
#                         and the tables without `ma_don_vi`, N dossiers and the other tables
#                         in proportion as for the province (documents N/10, feedback N/1000,
#                         the small tables of one unit);
#   UNITS    units of the province layout (default 150);
#   DEPT     the department's code (default SKHCN);
#   REPEAT   runs of each program, best wall time kept (default 3);
#   CLEAN    1: delete the generated folders (not the outputs) when done (default 0: kept, and
#            reused by the next run at the same N).
#
# For each layout, on the same files (generated when missing), it times
#   (a) `parindex score` of the evidence (every unit of the province / the one department),
#       JSON to a file, under /usr/bin/time -v (wall time and peak resident memory): every file
#       is read and hashed for the fingerprint, the reports are built and written;
#   (b) DuckDB (Python package from PyPI, installed into target/bench-venv) computing the
#       numerators and denominators of rows 3.2.1–3.2.4, 3.3.1 and 3.3.2 per unit from the same
#       dossiers.csv, by the semantics of criteria/nghe-an-2026-so (timed inside Python: connect,
#       read, compute, fetch; interpreter start and `import duckdb` excluded);
#   (c) the floor: tools/csv-floor, which reads dossiers.csv with the `csv` crate, one thread,
#       and parses the three dates of every record (ngay_tiep_nhan, han_xu_ly,
#       ngay_tra_ket_qua), nothing else (issue 9's floor did not parse the dates);
# each REPEAT times, after one untimed read of the files so that all three start from the page
# cache. It prints the ratios a/b and a/c, the peak memory of (a), and checks that (a) and (b)
# agree on every numerator and denominator of every unit (exit code 1 when they do not, after
# both layouts); then one Markdown table of both layouts (also in target/bench/table-<N>.md).
set -euo pipefail

if [ "$#" -eq 0 ]; then set -- 2000000; fi
for N in "$@"; do
    case "$N" in '' | *[!0-9]*) echo "bench: N must be a number of dossiers (not '$N')" >&2; exit 2 ;; esac
done
UNITS="${UNITS:-150}"
REPEAT="${REPEAT:-3}"
LAYOUT="${LAYOUT:-both}"
DEPT="${DEPT:-SKHCN}"
CLEAN="${CLEAN:-0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

case "$LAYOUT" in
    both) LAYOUTS="department province" ;;
    province | department) LAYOUTS="$LAYOUT" ;;
    server) LAYOUTS="" ;;
    *) echo "bench: LAYOUT must be both, province, department or server (not '$LAYOUT')" >&2; exit 2 ;;
esac

# The web app (issue 21): the department's folder of N dossiers uploaded to `parindex serve`'s
# app over loopback HTTP, against `parindex score` on it (crates/parindex-server/examples/bench.rs).
if [ "$LAYOUT" = server ]; then
    echo "== building parindex and the web app's benchmark (release)"
    cargo build --quiet --release -p parindex-cli
    cargo build --quiet --release -p parindex-server --example bench
    for N in "$@"; do
        DATA="target/bench/dept-$N"
        if [ ! -f "$DATA/.complete" ]; then
            echo "== generating one department ($DEPT), $N dossiers into $DATA"
            rm -rf "$DATA"
            python3 tools/gen-province-large/generate.py --department "$DEPT" --dossiers "$N" --out "$DATA"
            touch "$DATA/.complete"
        fi
        cat "$DATA"/* >/dev/null   # page cache
        echo "== the web app, $N dossiers (load $(cut -d' ' -f1-3 /proc/loadavg))"
        target/release/examples/bench --folder "$DATA"
    done
    exit 0
fi

VENV="target/bench-venv"
CRITERIA="criteria/nghe-an-2026-so"
AS_OF="2026-12-31"
TABLE="target/bench/table-$(IFS=-; echo "$*").md"
mkdir -p target/bench

command -v /usr/bin/time >/dev/null || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }

# --- tools --------------------------------------------------------------------------------
if ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
    echo "== installing duckdb into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check duckdb
fi
PY="$VENV/bin/python"

echo "== building parindex and csv-floor (release)"
cargo build --quiet --release -p parindex-cli
cargo build --quiet --release --manifest-path tools/csv-floor/Cargo.toml --target-dir target/csv-floor
PARINDEX="target/release/parindex"
FLOOR="target/csv-floor/release/csv-floor"

# --- the DuckDB side -----------------------------------------------------------------------
cat >"target/bench/duckdb_measures.py" <<'PYEOF'
"""(b): rows 3.2.1-3.2.4, 3.3.1, 3.3.2 per unit with DuckDB; prints the seconds it took.

    duckdb_measures.py DATA AS_OF OUT            # province exports: units.csv, ma_don_vi
    duckdb_measures.py DATA AS_OF OUT CODE       # one department's folder (no ma_don_vi)
"""
import csv, sys, time
import duckdb

data, as_of, out = sys.argv[1], sys.argv[2], sys.argv[3]
dept = sys.argv[4] if len(sys.argv) > 4 else None
TRUE = "('x', 'co', 'có', 'true', '1', 'dung', 'đúng', 'yes')"


def flag(c):
    return f"coalesce(lower(trim({c})) IN {TRUE}, false)"


def day(c):
    # dd/mm/yyyy, ISO, or a portal timestamp: the date part of the first word.
    w = f"split_part(trim({c}), ' ', 1)"
    return (f"CASE WHEN {c} IS NULL OR trim({c}) = '' THEN NULL "
            f"WHEN {w} LIKE '____-%' THEN strptime({w}, '%Y-%m-%d')::DATE "
            f"ELSE strptime(replace(replace({w}, '-', '/'), '.', '/'), '%d/%m/%Y')::DATE END")


SQL = f"""
WITH d AS (
  SELECT {"ma_don_vi" if dept is None else "'" + dept.replace("'", "''") + "'"} AS unit,
         {day('ngay_tiep_nhan')} AS recv, {day('han_xu_ly')} AS due, {day('ngay_tra_ket_qua')} AS done,
         {flag('toan_trinh')} AS toan_trinh, {flag('co_phi')} AS co_phi,
         {flag('thanh_toan_truc_tuyen')} AS paid, {flag('so_hoa')} AS so_hoa,
         {flag('xin_loi')} AS xin_loi, coalesce(trim(danh_gia), '') AS danh_gia
  FROM read_csv('{data}/dossiers.csv', header = true, all_varchar = true, delim = ',', quote = '"')
),
v AS (  -- visible at the as-of date; a completion after it is no completion yet
  SELECT *, CASE WHEN done <= DATE '{as_of}' THEN done END AS done_eff
  FROM d WHERE recv <= DATE '{as_of}'
),
j AS (
  SELECT *,
         done_eff IS NOT NULL AND done_eff <= due AS on_time,
         (done_eff IS NOT NULL AND done_eff > due) OR (done_eff IS NULL AND due < DATE '{as_of}') AS late
  FROM v
),
m AS (
  SELECT unit,
    count(*) FILTER (WHERE on_time)                                       AS n321,
    count(*) FILTER (WHERE on_time OR late)                               AS d321,
    count(*) FILTER (WHERE late AND xin_loi)                              AS n322,
    count(*) FILTER (WHERE late)                                          AS d322,
    count(*) FILTER (WHERE done_eff IS NOT NULL AND so_hoa)               AS n323,
    count(*) FILTER (WHERE done_eff IS NOT NULL)                          AS d323,
    count(*) FILTER (WHERE on_time AND lower(danh_gia) <> 'khong_hai_long') AS n324,
    count(*) FILTER (WHERE on_time OR late)                               AS d324,
    count(*) FILTER (WHERE toan_trinh)                                    AS n331,
    count(*)                                                              AS d331,
    count(*) FILTER (WHERE co_phi AND paid)                               AS n332,
    count(*) FILTER (WHERE co_phi)                                        AS d332
  FROM j GROUP BY unit
)
SELECT u.ma_don_vi, {", ".join(f"coalesce(m.{c}, 0)" for c in
       ["n321", "d321", "n322", "d322", "n323", "d323", "n324", "d324", "n331", "d331", "n332", "d332"])}
FROM {"read_csv('" + data + "/units.csv', header = true, all_varchar = true)" if dept is None
      else "(SELECT '" + dept.replace("'", "''") + "' AS ma_don_vi)"} u
LEFT JOIN m ON m.unit = u.ma_don_vi ORDER BY 1
"""

start = time.perf_counter()
con = duckdb.connect()
rows = con.execute(SQL).fetchall()
elapsed = time.perf_counter() - start
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    rows_ids = ["3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.3.1", "3.3.2"]
    for r in rows:
        for k, rid in enumerate(rows_ids):
            w.writerow([r[0], rid, r[1 + 2 * k], r[2 + 2 * k]])
print(f"{elapsed:.3f}")
PYEOF

# --- runs ------------------------------------------------------------------------------------
: >"$TABLE.rows"; : >"$TABLE.rows.tsv"
status=0
load() { cut -d' ' -f1-3 /proc/loadavg; }   # other work on the machine skews the timings
LOAD_START=$(load)
for N in "$@"; do
for layout in $LAYOUTS; do
if [ "$layout" = province ]; then
    DATA="target/bench/$N"; OUT="target/bench/out-$N"; DUCK_ARGS=()
    GEN=(--units "$UNITS"); WHAT="$UNITS units"
else
    DATA="target/bench/dept-$N"; OUT="target/bench/out-dept-$N"; DUCK_ARGS=("$DEPT")
    GEN=(--department "$DEPT"); WHAT="one department ($DEPT)"
fi
mkdir -p "$OUT"
if [ ! -f "$DATA/.complete" ]; then
    echo "== generating $WHAT, $N dossiers into $DATA"
    rm -rf "$DATA"
    python3 tools/gen-province-large/generate.py "${GEN[@]}" --dossiers "$N" --out "$DATA"
    touch "$DATA/.complete"
fi
cat "$DATA"/* >/dev/null   # page cache

: >"$OUT/a.times"; : >"$OUT/b.times"; : >"$OUT/c.times"; : >"$OUT/a.rss"
for i in $(seq "$REPEAT"); do
    echo "== $layout: run $i/$REPEAT"
    t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$OUT/a.timev" "$PARINDEX" score --criteria "$CRITERIA" --evidence "$DATA" \
        --as-of "$AS_OF" --format json >"$OUT/a.json" 2>"$OUT/a.stderr" || {
        rc=$?; [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || { cat "$OUT/a.stderr" >&2; exit 2; }
    }
    t1=$EPOCHREALTIME
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b - a}')   # /usr/bin/time's is to 0.01 s
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/a.timev")
    echo "$wall" >>"$OUT/a.times"; echo "$rss" >>"$OUT/a.rss"
    "$PY" target/bench/duckdb_measures.py "$DATA" "$AS_OF" "$OUT/b.csv" "${DUCK_ARGS[@]}" >>"$OUT/b.times"
    t0=$EPOCHREALTIME
    "$FLOOR" "$DATA/dossiers.csv" >"$OUT/c.stdout"
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b - a}' >>"$OUT/c.times"
done

# --- report ----------------------------------------------------------------------------------
"$PY" - "$OUT" "$N" "$WHAT" "$DATA" "$layout" "$TABLE.rows" <<'PYEOF' || status=1
import csv, json, os, sys

out, n, units, data, layout, rows_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
read = lambda name: [float(x) for x in open(os.path.join(out, name)) if x.strip()]
a, b, c = min(read("a.times")), min(read("b.times")), min(read("c.times"))
rss_kib = max(read("a.rss"))
size = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data) if not f.startswith("."))
dossiers = os.path.getsize(os.path.join(data, "dossiers.csv"))

ROWS = ["3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.3.1", "3.3.2"]
doc = json.load(open(os.path.join(out, "a.json")))
got = {}
for u in doc.get("units", [doc]):  # a province: every unit; a unit folder: one report
    for node in u["nodes"]:
        if node["id"] in ROWS:
            m = node.get("measure")
            got[(u["unit"]["code"], node["id"])] = (
                None if m is None else (int(m["numerator"]), int(m["denominator"])))
want = {(r[0], r[1]): (int(r[2]), int(r[3])) for r in csv.reader(open(os.path.join(out, "b.csv")))}
bad = []
for key in sorted(set(got) | set(want)):
    ga, wb = got.get(key), want.get(key)
    if ga is None and wb == (0, 0):
        continue
    if ga != wb:
        bad.append((key, ga, wb))

mib = rss_kib / 1024
print()
print(f"{layout}: N = {n:,} dossiers, {units}; files {size / 2**20:.1f} MiB (dossiers.csv {dossiers / 2**20:.1f} MiB); best of {len(read('a.times'))}")
print(f"  (a) parindex score               {a:8.2f} s   peak RSS {mib:7.1f} MiB")
print(f"  (b) DuckDB, dossier measures     {b:8.2f} s")
print(f"  (c) csv crate + 3 dates (floor)  {c:8.2f} s")
met = lambda ok: "met" if ok else "NOT met"
ab, ac = a / max(b, 1e-4), a / max(c, 1e-4)
# issue 19's targets (issue 9's were a/b <= 1.0, a/c <= 1.5 against a floor without dates, < 256 MiB)
targets = [("a/b", ab <= 0.5), ("a/c", ac <= 1.5), ("RSS", mib <= 256)]
print(f"  a/b = {ab:.2f}   (target <= 0.5: {met(ab <= 0.5)})")
print(f"  a/c = {ac:.2f}   (target <= 1.5: {met(ac <= 1.5)})")
print(f"  peak memory of (a) {mib:.1f} MiB   (target <= 256 MiB: {met(mib <= 256)})")
checked = len(set(got) | set(want))
t = lambda x: f"{x:.3f} s" if x < 0.1 else f"{x:.2f} s"
with open(rows_file + ".tsv", "a") as f:
    f.write(f"{layout}\t{n}\t{a}\t{mib}\n")
label = {"province": f"{units}, exports", "department": units}[layout]
with open(rows_file, "a") as f:
    f.write(f"| {label} | {n:,} | {size / 2**20:.1f} MiB ({dossiers / 2**20:.1f}) | {t(a)} | {mib:,.0f} MiB "
            f"| {t(b)} | {t(c)} | {ab:.2f} | {ac:.2f} "
            f"| {'DIFFER ' + str(len(bad)) + '/' + str(checked) if bad else str(checked) + '/' + str(checked)} "
            f"| {', '.join(k for k, ok in targets if ok) or 'none'} |\n")
if bad:
    print(f"  agreement: {len(bad)} of {checked} (unit, row) measures DIFFER; first ones:")
    for key, ga, wb in bad[:10]:
        print(f"    {key[0]} {key[1]}: parindex {ga}, duckdb {wb}")
    sys.exit(1)
print(f"  agreement: parindex and DuckDB agree on all {checked} (unit, row) numerators and denominators ({len(want) // len(ROWS)} units x {len(ROWS)} rows)")
PYEOF
if [ "$CLEAN" = 1 ]; then rm -rf "$DATA"; fi
done
done

# --- both layouts ----------------------------------------------------------------------------
{
    echo "| layout | dossiers | files (dossiers.csv) | (a) parindex | peak RSS (a) | (b) DuckDB | (c) floor | a/b | a/c | agreement | targets met |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
    cat "$TABLE.rows"
} >"$TABLE"
# time = fixed + slope x N, least squares over the sizes of each layout (two sizes at least)
python3 - "$TABLE.rows.tsv" >>"$TABLE" <<'PYEOF'
import sys
runs = {}
for line in open(sys.argv[1]):
    layout, n, a, mib = line.split("\t")
    runs.setdefault(layout, []).append((int(n) / 1e6, float(a), float(mib)))
for layout, pts in runs.items():
    if len({x for x, _, _ in pts}) < 2:
        continue
    mx = sum(x for x, _, _ in pts) / len(pts)
    my = sum(y for _, y, _ in pts) / len(pts)
    slope = sum((x - mx) * (y - my) for x, y, _ in pts) / sum((x - mx) ** 2 for x, _, _ in pts)
    rss = sorted(pts)
    print(f"\n{layout}: (a) ≈ {my - slope * mx:.2f} s + {slope:.2f} s per million dossiers "
          f"(least squares over {len(pts)} sizes); peak RSS {rss[0][2]:,.0f} MiB at {rss[0][0]:g}M, "
          f"{rss[-1][2]:,.0f} MiB at {rss[-1][0]:g}M")
PYEOF
rm -f "$TABLE.rows" "$TABLE.rows.tsv"
{ echo; echo "load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $(load); $(nproc) cores"; } >>"$TABLE"
echo
echo "== $TABLE (best of $REPEAT; agreement: (unit, row) measures of (a) equal to (b);"
echo "   targets of issue 19: a/b <= 0.5, a/c <= 1.5, peak RSS <= 256 MiB)"

cat "$TABLE"
exit "$status"
