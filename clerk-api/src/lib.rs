//! Typed clients for Clerk's Backend API: a hand-written runtime shared by
//! every API version, plus one generated module per version, selected with
//! a Cargo feature.
