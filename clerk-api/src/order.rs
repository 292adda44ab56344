//! Sort orders of list operations: a field the operation sorts by, and a
//! direction. On the wire `+created_at` / `-created_at`.

use std::fmt;

/// A sort order over the fields `F` of one list operation, such as
/// `Order::desc(types::GetUserListOrderBy::CreatedAt)`: sent as
/// `-created_at`. A field converts into its ascending order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Order<F> {
    pub field: F,
    pub descending: bool,
}

impl<F> Order<F> {
    /// Smallest first (`+field`).
    pub fn asc(field: F) -> Self {
        Order {
            field,
            descending: false,
        }
    }

    /// Largest (or newest) first (`-field`).
    pub fn desc(field: F) -> Self {
        Order {
            field,
            descending: true,
        }
    }
}

impl<F> From<F> for Order<F> {
    fn from(field: F) -> Self {
        Order::asc(field)
    }
}

impl<F: fmt::Display> fmt::Display for Order<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.descending { '-' } else { '+' };
        write!(f, "{sign}{}", self.field)
    }
}

impl<F: fmt::Display> serde::Serialize for Order<F> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, F: From<String>> serde::Deserialize<'de> for Order<F> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match text.strip_prefix('-') {
            Some(field) => Order::desc(F::from(field.to_string())),
            None => Order::asc(F::from(text.trim_start_matches('+').to_string())),
        })
    }
}
