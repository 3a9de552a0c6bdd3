pub mod criteria;
pub mod date;
pub mod error;
pub mod evidence;
pub mod files;
pub mod num;
pub mod rules;
