//! Two models → what changed, and what breaks. The comparison runs on the
//! model, so it sees what generation sees: the same operations, the same
//! types (inline schemas included), the same Rust names.
//!
//! Every change comes from a named rule with a stable id ([`RULES`]) and
//! the rule's severity. Operations are matched by operationId, so a new
//! method or path is a move, compared like any other pair. Types are
//! compared by structure, not by name: Clerk's duplicated `-2` schemas
//! (`CommercePlan-2`) are not a change when they have the same shape.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{Api, Field, NamedType, Operation, ParamLocation, TypeKind, TypeRef};

/// How much a change matters to a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Compiles or works today, fails after the switch.
    Breaking,
    /// May break some uses, or breaks only callers of the raw HTTP API.
    Warning,
    /// Nothing breaks.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A named check.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $severity:ident, $summary:literal;)*) => {
        $(pub const $name: Rule = Rule { id: $id, severity: Severity::$severity, summary: $summary };)*
        /// Every rule, in the order `--rules` lists them.
        pub const RULES: &[Rule] = &[$($name),*];
    };
}

rules! {
    OPERATION_ADDED = "operation-added", Info, "a new operation";
    OPERATION_REMOVED = "operation-removed", Breaking, "an operation is gone";
    DEPRECATED_OPERATION_REMOVED = "deprecated-operation-removed", Warning, "an operation that was deprecated is gone";
    OPERATION_MOVED = "operation-moved", Warning, "same operationId, new method or path: raw HTTP callers break";
    OPERATION_DEPRECATED = "operation-deprecated", Warning, "an operation is now deprecated";
    PARAM_ADDED_REQUIRED = "param-added-required", Breaking, "a new required parameter";
    PARAM_ADDED_OPTIONAL = "param-added-optional", Info, "a new optional parameter";
    PARAM_REMOVED = "param-removed", Breaking, "a parameter is gone";
    PARAM_BECAME_REQUIRED = "param-became-required", Breaking, "an optional parameter is now required";
    PARAM_BECAME_OPTIONAL = "param-became-optional", Info, "a required parameter is now optional";
    PARAM_TYPE_CHANGED = "param-type-changed", Breaking, "a parameter's type or format changed";
    REQUEST_BODY_ADDED = "request-body-added", Breaking, "an operation now takes a body";
    REQUEST_BODY_REMOVED = "request-body-removed", Breaking, "an operation no longer takes a body";
    REQUEST_BODY_BECAME_REQUIRED = "request-body-became-required", Breaking, "the body is now required";
    REQUEST_PROPERTY_ADDED_REQUIRED = "request-property-added-required", Breaking, "a new required property in a request";
    REQUEST_PROPERTY_ADDED_OPTIONAL = "request-property-added-optional", Info, "a new optional property in a request";
    REQUEST_PROPERTY_REMOVED = "request-property-removed", Breaking, "a request property is gone";
    REQUEST_PROPERTY_BECAME_REQUIRED = "request-property-became-required", Breaking, "a request property is now required";
    REQUEST_PROPERTY_BECAME_OPTIONAL = "request-property-became-optional", Info, "a request property is now optional";
    REQUEST_PROPERTY_BECAME_NON_NULLABLE = "request-property-became-non-nullable", Breaking, "a request property no longer accepts null";
    REQUEST_TYPE_CHANGED = "request-type-changed", Breaking, "a request value's type or format changed";
    REQUEST_ENUM_VALUE_REMOVED = "request-enum-value-removed", Breaking, "a value a request could send is gone";
    REQUEST_ENUM_VALUE_ADDED = "request-enum-value-added", Info, "a request accepts a new value";
    REQUEST_VARIANT_REMOVED = "request-one-of-variant-removed", Breaking, "a oneOf variant a request could send is gone";
    REQUEST_VARIANT_ADDED = "request-one-of-variant-added", Info, "a request accepts a new oneOf variant";
    RESPONSE_STATUS_ADDED = "response-status-added", Info, "a new declared response status";
    RESPONSE_SUCCESS_REMOVED = "response-success-status-removed", Breaking, "a success status is gone";
    RESPONSE_ERROR_REMOVED = "response-error-status-removed", Info, "a declared error status is gone";
    RESPONSE_BODY_REMOVED = "response-body-removed", Breaking, "a success response no longer has a body";
    RESPONSE_PROPERTY_REMOVED = "response-property-removed", Breaking, "a response property is gone";
    RESPONSE_PROPERTY_ADDED = "response-property-added", Info, "a new response property";
    RESPONSE_PROPERTY_BECAME_OPTIONAL = "response-property-became-optional", Breaking, "a response property may now be absent";
    RESPONSE_PROPERTY_BECAME_REQUIRED = "response-property-became-required", Info, "a response property is now always present";
    RESPONSE_PROPERTY_BECAME_NULLABLE = "response-property-became-nullable", Breaking, "a response property may now be null";
    RESPONSE_PROPERTY_BECAME_NON_NULLABLE = "response-property-became-non-nullable", Info, "a response property is no longer null";
    RESPONSE_TYPE_CHANGED = "response-type-changed", Breaking, "a response value's type or format changed";
    RESPONSE_ENUM_VALUE_ADDED = "response-enum-value-added", Breaking, "a response may hold a new enum value (exhaustive matches break)";
    RESPONSE_ENUM_VALUE_REMOVED = "response-enum-value-removed", Info, "a response no longer holds an enum value";
    RESPONSE_VARIANT_ADDED = "response-one-of-variant-added", Breaking, "a response may hold a new oneOf variant";
    RESPONSE_VARIANT_REMOVED = "response-one-of-variant-removed", Info, "a response no longer holds a oneOf variant";
    EVENT_ADDED = "event-added", Info, "a new webhook event type";
    EVENT_REMOVED = "event-removed", Breaking, "a webhook event type is gone";
    EVENT_DEPRECATED = "event-deprecated", Warning, "a webhook event type is now deprecated";
    SCHEMA_ADDED = "schema-added", Info, "a new component schema";
    SCHEMA_REMOVED = "schema-removed", Warning, "a component schema is gone";
    RUST_METHOD_REMOVED = "rust-method-removed", Breaking, "a client method is gone";
    RUST_METHOD_SIGNATURE_CHANGED = "rust-method-signature-changed", Breaking, "a client method takes or returns other types";
    RUST_TYPE_REMOVED = "rust-type-removed", Breaking, "a Rust type is gone";
    RUST_FIELD_REMOVED = "rust-field-removed", Breaking, "a struct field is gone";
    RUST_FIELD_TYPE_CHANGED = "rust-field-type-changed", Breaking, "a struct field has another type";
    RUST_VARIANT_REMOVED = "rust-variant-removed", Breaking, "an enum variant is gone";
    RUST_VARIANT_ADDED = "rust-variant-added", Warning, "an enum has a new variant (exhaustive matches break)";
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub severity: Severity,
    pub rule: &'static str,
    /// The tag (operations), `schemas`, or `rust`: how reports group.
    pub group: String,
    /// What changed: `GET /users (ListUsers)`, `schema User`,
    /// `clerk_api::v…::types::User`.
    pub subject: String,
    /// Where under the subject: `request body: email_address[].id`.
    pub location: String,
    pub detail: String,
}

/// Counts of added, removed and changed things.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    /// Operations only: same operationId, new method or path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub old: String,
    pub new: String,
    pub operations: Counts,
    /// Webhook event types (webhooks documents).
    pub events: Counts,
    pub schemas: Counts,
    pub changes: Vec<Change>,
}

impl Report {
    /// The most severe change, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).min()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
    }
}

/// Compares `old` with `new`.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut d = Differ {
        old,
        new,
        changes: Vec::new(),
    };
    let operations = d.operations();
    let events = d.events();
    let schemas = d.schemas();
    d.rust_surface();
    let mut changes = d.changes;
    changes.sort();
    changes.dedup();
    Report {
        old: old.version.clone(),
        new: new.version.clone(),
        operations,
        events,
        schemas,
        changes,
    }
}

/// Which side of the wire a type is on, for severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Direction {
    Request,
    Response,
}

struct Differ<'a> {
    old: &'a Api,
    new: &'a Api,
    changes: Vec<Change>,
}

/// Where a comparison reports: the subject and group, and the location
/// reached so far.
#[derive(Clone)]
struct At {
    group: String,
    subject: String,
    location: String,
}

impl At {
    fn child(&self, step: &str) -> At {
        At {
            location: if self.location.is_empty() {
                step.to_string()
            } else if step.starts_with('[') {
                format!("{}{step}", self.location)
            } else {
                format!("{}.{step}", self.location)
            },
            ..self.clone()
        }
    }
}

fn operation_subject(op: &Operation) -> String {
    format!("{} {} ({})", op.method.as_str(), op.path, op.id)
}

fn operation_group(op: &Operation) -> String {
    op.tags.first().cloned().unwrap_or_else(|| op.group.clone())
}

/// The name of a component schema, for types made from one.
fn component_name(t: &NamedType) -> Option<String> {
    let rest = t.pointer.strip_prefix("/components/schemas/")?;
    (!rest.contains('/')).then(|| rest.replace("~1", "/").replace("~0", "~"))
}

impl<'a> Differ<'a> {
    fn push(&mut self, rule: Rule, at: &At, detail: impl Into<String>) {
        self.changes.push(Change {
            severity: rule.severity,
            rule: rule.id,
            group: at.group.clone(),
            subject: at.subject.clone(),
            location: at.location.clone(),
            detail: detail.into(),
        });
    }

    fn operations(&mut self) -> Counts {
        let old: BTreeMap<&str, &Operation> = self
            .old
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        let new: BTreeMap<&str, &Operation> = self
            .new
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        let mut counts = Counts {
            moved: Some(0),
            ..Counts::default()
        };
        for (id, op) in &new {
            if !old.contains_key(id) {
                counts.added += 1;
                let at = At {
                    group: operation_group(op),
                    subject: operation_subject(op),
                    location: String::new(),
                };
                self.push(OPERATION_ADDED, &at, op.summary.clone().unwrap_or_default());
            }
        }
        for (id, before) in &old {
            let Some(after) = new.get(id) else {
                counts.removed += 1;
                let at = At {
                    group: operation_group(before),
                    subject: operation_subject(before),
                    location: String::new(),
                };
                let rule = if before.deprecated {
                    DEPRECATED_OPERATION_REMOVED
                } else {
                    OPERATION_REMOVED
                };
                self.push(rule, &at, "removed");
                continue;
            };
            let at = At {
                group: operation_group(after),
                subject: operation_subject(after),
                location: String::new(),
            };
            let len = self.changes.len();
            if before.method != after.method || before.path != after.path {
                *counts.moved.get_or_insert(0) += 1;
                self.push(
                    OPERATION_MOVED,
                    &at,
                    format!("moved from {} {}", before.method.as_str(), before.path),
                );
            }
            self.operation(before, after, &at);
            if self.changes.len() > len {
                counts.changed += 1;
            }
        }
        counts
    }

    fn operation(&mut self, before: &Operation, after: &Operation, at: &At) {
        if after.deprecated && !before.deprecated {
            self.push(OPERATION_DEPRECATED, at, "now deprecated");
        }
        // Parameters, by location and wire name.
        for p in &after.params {
            let here = at.child(&format!("{} parameter {}", p.location.as_str(), p.name));
            match before
                .params
                .iter()
                .find(|q| q.name == p.name && q.location == p.location)
            {
                None if p.required => self.push(PARAM_ADDED_REQUIRED, &here, "new, required"),
                None => self.push(PARAM_ADDED_OPTIONAL, &here, "new, optional"),
                Some(q) => {
                    if p.required && !q.required {
                        self.push(PARAM_BECAME_REQUIRED, &here, "now required");
                    } else if !p.required && q.required && p.location != ParamLocation::Path {
                        self.push(PARAM_BECAME_OPTIONAL, &here, "now optional");
                    }
                    if !self.same_shape(&q.ty, &p.ty) {
                        self.push(
                            PARAM_TYPE_CHANGED,
                            &here,
                            format!("{} → {}", display(&q.ty), display(&p.ty)),
                        );
                    }
                }
            }
        }
        for q in &before.params {
            if !after
                .params
                .iter()
                .any(|p| p.name == q.name && p.location == q.location)
            {
                let here = at.child(&format!("{} parameter {}", q.location.as_str(), q.name));
                self.push(PARAM_REMOVED, &here, "removed");
            }
        }
        // The request body.
        match (&before.body, &after.body) {
            (None, Some(body)) if body.required => self.push(
                REQUEST_BODY_ADDED,
                &at.child("request body"),
                "new, required",
            ),
            (None, Some(_)) => {}
            (Some(_), None) => {
                self.push(REQUEST_BODY_REMOVED, &at.child("request body"), "removed")
            }
            (Some(b), Some(a)) => {
                if a.required && !b.required {
                    self.push(
                        REQUEST_BODY_BECAME_REQUIRED,
                        &at.child("request body"),
                        "now required",
                    );
                }
                self.compare_use(&b.ty, &a.ty, Direction::Request, &at.child("request body"));
            }
            (None, None) => {}
        }
        // Responses, by status.
        for r in &after.responses {
            if !before.responses.iter().any(|s| s.status == r.status) {
                self.push(
                    RESPONSE_STATUS_ADDED,
                    &at.child(&format!("response {}", r.status)),
                    "new",
                );
            }
        }
        for s in &before.responses {
            let here = at.child(&format!("response {}", s.status));
            match after.responses.iter().find(|r| r.status == s.status) {
                None if s.status.is_success() => {
                    self.push(RESPONSE_SUCCESS_REMOVED, &here, "removed")
                }
                None => self.push(RESPONSE_ERROR_REMOVED, &here, "removed"),
                Some(r) => match (&s.ty, &r.ty) {
                    (Some(_), None) if s.status.is_success() => {
                        self.push(RESPONSE_BODY_REMOVED, &here, "no body any more")
                    }
                    (Some(b), Some(a)) => self.compare_use(b, a, Direction::Response, &here),
                    _ => {}
                },
            }
        }
    }

    /// Compares the types an operation uses. Component schemas of the same
    /// name are compared once, under `schemas`; everything else (inline
    /// types, or a component replaced by another) here.
    fn compare_use(&mut self, before: &TypeRef, after: &TypeRef, direction: Direction, at: &At) {
        let mut seen = BTreeSet::new();
        self.compare(before, after, direction, at, &mut seen);
    }

    /// Reports how `after` differs from `before`. A component schema met
    /// under the same name on both sides is left to `schemas`, which
    /// reports its changes once.
    fn compare(
        &mut self,
        before: &TypeRef,
        after: &TypeRef,
        direction: Direction,
        at: &At,
        seen: &mut BTreeSet<(String, String)>,
    ) {
        match (before, after) {
            (TypeRef::Named(b), TypeRef::Named(a)) => {
                let (Some(bt), Some(at_)) = (self.old.types.get(b), self.new.types.get(a)) else {
                    return;
                };
                let same_component =
                    component_name(bt).is_some() && component_name(bt) == component_name(at_);
                if same_component {
                    return; // reported under `schemas`
                }
                if !seen.insert((b.clone(), a.clone())) {
                    return;
                }
                self.compare_kinds(bt, at_, direction, at, seen);
            }
            (TypeRef::Array(b), TypeRef::Array(a)) => {
                self.compare(b, a, direction, &at.child("[]"), seen)
            }
            (TypeRef::Map(b), TypeRef::Map(a)) => {
                self.compare(b, a, direction, &at.child("{}"), seen)
            }
            (b, a) => {
                if !self.same_shape(b, a) {
                    let rule = match direction {
                        Direction::Request => REQUEST_TYPE_CHANGED,
                        Direction::Response => RESPONSE_TYPE_CHANGED,
                    };
                    self.push(rule, at, format!("{} → {}", display(b), display(a)));
                }
            }
        }
    }

    fn compare_kinds(
        &mut self,
        before: &NamedType,
        after: &NamedType,
        direction: Direction,
        at: &At,
        seen: &mut BTreeSet<(String, String)>,
    ) {
        let request = direction == Direction::Request;
        match (&before.kind, &after.kind) {
            (TypeKind::Struct(b), TypeKind::Struct(a)) => {
                for f in &a.fields {
                    let here = at.child(&f.name);
                    let Some(g) = b.fields.iter().find(|g| g.name == f.name) else {
                        let (rule, detail) = match (request, f.required) {
                            (true, true) => (REQUEST_PROPERTY_ADDED_REQUIRED, "new, required"),
                            (true, false) => (REQUEST_PROPERTY_ADDED_OPTIONAL, "new, optional"),
                            (false, _) => (RESPONSE_PROPERTY_ADDED, "new"),
                        };
                        self.push(rule, &here, detail);
                        continue;
                    };
                    self.compare_field(g, f, direction, &here);
                    self.compare(&g.ty, &f.ty, direction, &here, seen);
                }
                for g in &b.fields {
                    if !a.fields.iter().any(|f| f.name == g.name) {
                        let rule = if request {
                            REQUEST_PROPERTY_REMOVED
                        } else {
                            RESPONSE_PROPERTY_REMOVED
                        };
                        self.push(rule, &at.child(&g.name), "removed");
                    }
                }
            }
            (TypeKind::Enum(b), TypeKind::Enum(a)) => {
                for v in a.iter().filter(|v| !b.iter().any(|w| w.value == v.value)) {
                    let rule = if request {
                        REQUEST_ENUM_VALUE_ADDED
                    } else {
                        RESPONSE_ENUM_VALUE_ADDED
                    };
                    self.push(rule, at, format!("value `{}` added", v.value));
                }
                for w in b.iter().filter(|w| !a.iter().any(|v| v.value == w.value)) {
                    let rule = if request {
                        REQUEST_ENUM_VALUE_REMOVED
                    } else {
                        RESPONSE_ENUM_VALUE_REMOVED
                    };
                    self.push(rule, at, format!("value `{}` removed", w.value));
                }
            }
            (TypeKind::OneOf(b), TypeKind::OneOf(a)) => {
                // Variants pair by tag values, else by structure.
                let pair = |v: &crate::model::Variant,
                            others: &[crate::model::Variant],
                            this: &Self,
                            from_old: bool| {
                    others.iter().position(|w| {
                        if !v.tags.is_empty() || !w.tags.is_empty() {
                            v.tags.iter().any(|t| w.tags.contains(t))
                        } else if from_old {
                            this.same_shape(&v.ty, &w.ty)
                        } else {
                            this.same_shape(&w.ty, &v.ty)
                        }
                    })
                };
                for v in &a.variants {
                    match pair(v, &b.variants, self, false) {
                        None => {
                            let rule = if request {
                                REQUEST_VARIANT_ADDED
                            } else {
                                RESPONSE_VARIANT_ADDED
                            };
                            self.push(rule, at, format!("variant {} added", variant_label(v)));
                        }
                        Some(i) => {
                            let here = at.child(&format!("<{}>", variant_label(v)));
                            self.compare(&b.variants[i].ty, &v.ty, direction, &here, seen);
                        }
                    }
                }
                for w in &b.variants {
                    if pair(w, &a.variants, self, true).is_none() {
                        let rule = if request {
                            REQUEST_VARIANT_REMOVED
                        } else {
                            RESPONSE_VARIANT_REMOVED
                        };
                        self.push(rule, at, format!("variant {} removed", variant_label(w)));
                    }
                }
            }
            (TypeKind::Alias(b), TypeKind::Alias(a)) => self.compare(b, a, direction, at, seen),
            (TypeKind::Alias(b), _) => {
                let after_ref = TypeRef::Named(after.name.clone());
                self.compare(b, &after_ref, direction, at, seen)
            }
            (_, TypeKind::Alias(a)) => {
                let before_ref = TypeRef::Named(before.name.clone());
                self.compare(&before_ref, a, direction, at, seen)
            }
            _ => {
                let rule = if request {
                    REQUEST_TYPE_CHANGED
                } else {
                    RESPONSE_TYPE_CHANGED
                };
                self.push(
                    rule,
                    at,
                    format!("{} → {}", kind_name(&before.kind), kind_name(&after.kind)),
                );
            }
        }
    }

    fn compare_field(&mut self, before: &Field, after: &Field, direction: Direction, at: &At) {
        match direction {
            Direction::Request => {
                if after.required && !before.required {
                    self.push(REQUEST_PROPERTY_BECAME_REQUIRED, at, "now required");
                } else if !after.required && before.required {
                    self.push(REQUEST_PROPERTY_BECAME_OPTIONAL, at, "now optional");
                }
                if before.nullable && !after.nullable {
                    self.push(
                        REQUEST_PROPERTY_BECAME_NON_NULLABLE,
                        at,
                        "no longer nullable",
                    );
                }
            }
            Direction::Response => {
                if !after.required && before.required {
                    self.push(RESPONSE_PROPERTY_BECAME_OPTIONAL, at, "now optional");
                } else if after.required && !before.required {
                    self.push(RESPONSE_PROPERTY_BECAME_REQUIRED, at, "now required");
                }
                if after.nullable && !before.nullable {
                    self.push(RESPONSE_PROPERTY_BECAME_NULLABLE, at, "now nullable");
                } else if !after.nullable && before.nullable {
                    self.push(
                        RESPONSE_PROPERTY_BECAME_NON_NULLABLE,
                        at,
                        "no longer nullable",
                    );
                }
            }
        }
    }

    /// Whether two use-site types have the same structure (names aside).
    fn same_shape(&self, before: &TypeRef, after: &TypeRef) -> bool {
        let mut assumed = BTreeSet::new();
        self.same(before, after, &mut assumed)
    }

    fn same(
        &self,
        before: &TypeRef,
        after: &TypeRef,
        assumed: &mut BTreeSet<(String, String)>,
    ) -> bool {
        match (before, after) {
            (TypeRef::Named(b), TypeRef::Named(a)) => {
                // A pair being compared is assumed equal (recursive types).
                if !assumed.insert((b.clone(), a.clone())) {
                    return true;
                }
                let (Some(bt), Some(at)) = (self.old.types.get(b), self.new.types.get(a)) else {
                    return false;
                };
                match (&bt.kind, &at.kind) {
                    (TypeKind::Struct(x), TypeKind::Struct(y)) => {
                        x.fields.len() == y.fields.len()
                            && x.fields.iter().all(|f| {
                                y.fields.iter().any(|g| {
                                    g.name == f.name
                                        && g.required == f.required
                                        && g.nullable == f.nullable
                                        && self.same(&f.ty, &g.ty, assumed)
                                })
                            })
                    }
                    (TypeKind::Enum(x), TypeKind::Enum(y)) => {
                        let x: BTreeSet<_> = x.iter().map(|v| &v.value).collect();
                        let y: BTreeSet<_> = y.iter().map(|v| &v.value).collect();
                        x == y
                    }
                    (TypeKind::OneOf(x), TypeKind::OneOf(y)) => {
                        x.variants.len() == y.variants.len()
                            && x.variants
                                .iter()
                                .zip(&y.variants)
                                .all(|(v, w)| v.tags == w.tags && self.same(&v.ty, &w.ty, assumed))
                    }
                    (TypeKind::Alias(x), TypeKind::Alias(y)) => self.same(x, y, assumed),
                    (TypeKind::Alias(x), _) => self.same(x, after, assumed),
                    (_, TypeKind::Alias(y)) => self.same(before, y, assumed),
                    _ => false,
                }
            }
            (TypeRef::Named(b), other) => match self.old.types.get(b).map(|t| &t.kind) {
                Some(TypeKind::Alias(x)) => self.same(x, other, assumed),
                _ => false,
            },
            (other, TypeRef::Named(a)) => match self.new.types.get(a).map(|t| &t.kind) {
                Some(TypeKind::Alias(y)) => self.same(other, y, assumed),
                _ => false,
            },
            (TypeRef::Array(b), TypeRef::Array(a)) | (TypeRef::Map(b), TypeRef::Map(a)) => {
                self.same(b, a, assumed)
            }
            (b, a) => b == a,
        }
    }

    /// Component schemas by name: added, removed, and changed (compared
    /// by structure, in the directions the schema is used in).
    /// Webhook events, matched by type: added, removed, and their payloads
    /// compared as what a receiver reads.
    fn events(&mut self) -> Counts {
        let mut counts = Counts::default();
        let at = |name: &str| At {
            group: "events".into(),
            subject: format!("event {name}"),
            location: String::new(),
        };
        for event in &self.new.events {
            if !self.old.events.iter().any(|e| e.name == event.name) {
                counts.added += 1;
                let detail = event.summary.clone().or(event.description.clone());
                self.push(EVENT_ADDED, &at(&event.name), detail.unwrap_or_default());
            }
        }
        for before in &self.old.events {
            let Some(after) = self.new.events.iter().find(|e| e.name == before.name) else {
                counts.removed += 1;
                self.push(EVENT_REMOVED, &at(&before.name), "removed");
                continue;
            };
            let here = at(&before.name);
            let len = self.changes.len();
            if after.deprecated && !before.deprecated {
                self.push(EVENT_DEPRECATED, &here, "now deprecated");
            }
            self.compare_use(&before.payload, &after.payload, Direction::Response, &here);
            if self.changes.len() > len {
                counts.changed += 1;
            }
        }
        counts
    }

    fn schemas(&mut self) -> Counts {
        let old: BTreeMap<String, &NamedType> = self
            .old
            .component_schemas()
            .filter_map(|t| Some((component_name(t)?, t)))
            .collect();
        let new: BTreeMap<String, &NamedType> = self
            .new
            .component_schemas()
            .filter_map(|t| Some((component_name(t)?, t)))
            .collect();
        let old_use = usage(self.old);
        let new_use = usage(self.new);
        let mut counts = Counts::default();
        for name in new.keys().filter(|n| !old.contains_key(*n)) {
            counts.added += 1;
            let at = schema_at(name);
            self.push(SCHEMA_ADDED, &at, "new");
        }
        for name in old.keys().filter(|n| !new.contains_key(*n)) {
            counts.removed += 1;
            self.push(SCHEMA_REMOVED, &schema_at(name), "removed");
        }
        for (name, before) in &old {
            let Some(after) = new.get(name) else { continue };
            let mut directions: BTreeSet<Direction> = BTreeSet::new();
            directions.extend(old_use.get(&before.name).into_iter().flatten());
            directions.extend(new_use.get(&after.name).into_iter().flatten());
            if directions.is_empty() {
                directions.insert(Direction::Response);
            }
            let len = self.changes.len();
            for direction in directions {
                let mut seen = BTreeSet::from([(before.name.clone(), after.name.clone())]);
                self.compare_kinds(before, after, direction, &schema_at(name), &mut seen);
            }
            if self.changes.len() > len {
                counts.changed += 1;
            }
        }
        counts
    }

    /// The Rust API a user meets when switching the feature: methods,
    /// types, fields and variants of the old module that are gone or
    /// different in the new one.
    fn rust_surface(&mut self) {
        let new_module = crate::naming::version_module(&self.new.version);
        // Method → (signature, operation id), deprecated aliases included.
        let methods = |api: &Api| -> BTreeMap<String, (String, String)> {
            api.operations
                .iter()
                .flat_map(|op| {
                    std::iter::once(&op.name)
                        .chain(&op.aliases)
                        .map(|name| {
                            (
                                format!("{}().{}", op.group, name),
                                (signature(op), op.id.clone()),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        let (old_methods, new_methods) = (methods(self.old), methods(self.new));
        for (name, (before, id)) in &old_methods {
            let at = At {
                group: "rust".into(),
                subject: format!("client.{name}"),
                location: String::new(),
            };
            match new_methods.get(name) {
                None => {
                    // The same operation under another name (it moved group).
                    let renamed = new_methods
                        .iter()
                        .find(|(_, (_, other))| other == id)
                        .map(|(other, _)| format!("; the operation is now client.{other}"));
                    self.push(
                        RUST_METHOD_REMOVED,
                        &at,
                        format!("gone from {new_module}{}", renamed.unwrap_or_default()),
                    )
                }
                Some((after, _)) if after != before => self.push(
                    RUST_METHOD_SIGNATURE_CHANGED,
                    &at,
                    format!("{before} → {after}"),
                ),
                Some(_) => {}
            }
        }
        for before in &self.old.events {
            let at = At {
                group: "rust".into(),
                subject: format!("Event::{}", before.variant),
                location: String::new(),
            };
            if !self.new.events.iter().any(|e| e.variant == before.variant) {
                self.push(
                    RUST_VARIANT_REMOVED,
                    &at,
                    format!("`{}` is gone", before.name),
                );
            }
        }
        for after in &self.new.events {
            if !self.old.events.iter().any(|e| e.variant == after.variant) {
                let at = At {
                    group: "rust".into(),
                    subject: format!("Event::{}", after.variant),
                    location: String::new(),
                };
                self.push(RUST_VARIANT_ADDED, &at, format!("`{}` is new", after.name));
            }
        }
        for (name, before) in &self.old.types {
            let at = At {
                group: "rust".into(),
                subject: format!("types::{name}"),
                location: String::new(),
            };
            let Some(after) = self.new.types.get(name) else {
                self.push(
                    RUST_TYPE_REMOVED,
                    &at,
                    format!("gone from {new_module}::types"),
                );
                continue;
            };
            match (&before.kind, &after.kind) {
                (TypeKind::Struct(b), TypeKind::Struct(a)) => {
                    for f in &b.fields {
                        let here = at.child(&f.rust_name);
                        match a.fields.iter().find(|g| g.rust_name == f.rust_name) {
                            None if b.in_request => {
                                self.push(RUST_FIELD_REMOVED, &here, "removed, with its setter")
                            }
                            None => self.push(RUST_FIELD_REMOVED, &here, "removed"),
                            Some(g) => {
                                let (x, y) =
                                    (field_type(f, b.in_request), field_type(g, a.in_request));
                                if x != y {
                                    self.push(RUST_FIELD_TYPE_CHANGED, &here, format!("{x} → {y}"));
                                }
                            }
                        }
                    }
                }
                (TypeKind::Enum(b), TypeKind::Enum(a)) => {
                    for v in b
                        .iter()
                        .filter(|v| !a.iter().any(|w| w.variant == v.variant))
                    {
                        self.push(RUST_VARIANT_REMOVED, &at.child(&v.variant), "removed");
                    }
                    for w in a
                        .iter()
                        .filter(|w| !b.iter().any(|v| v.variant == w.variant))
                    {
                        self.push(RUST_VARIANT_ADDED, &at.child(&w.variant), "added");
                    }
                }
                (TypeKind::OneOf(b), TypeKind::OneOf(a)) => {
                    for v in b
                        .variants
                        .iter()
                        .filter(|v| !a.variants.iter().any(|w| w.name == v.name))
                    {
                        self.push(RUST_VARIANT_REMOVED, &at.child(&v.name), "removed");
                    }
                    for w in a
                        .variants
                        .iter()
                        .filter(|w| !b.variants.iter().any(|v| v.name == w.name))
                    {
                        self.push(RUST_VARIANT_ADDED, &at.child(&w.name), "added");
                    }
                }
                (b, a) if kind_name(b) != kind_name(a) => self.push(
                    RUST_FIELD_TYPE_CHANGED,
                    &at,
                    format!("{} → {}", kind_name(b), kind_name(a)),
                ),
                _ => {}
            }
        }
    }
}

fn schema_at(name: &str) -> At {
    At {
        group: "schemas".into(),
        subject: format!("schema {name}"),
        location: String::new(),
    }
}

/// For each named type, the directions it is used in (through other
/// types, from operations' bodies and responses).
fn usage(api: &Api) -> BTreeMap<String, BTreeSet<Direction>> {
    let mut used: BTreeMap<String, BTreeSet<Direction>> = BTreeMap::new();
    let mut stack: Vec<(TypeRef, Direction)> = Vec::new();
    for op in &api.operations {
        if let Some(body) = &op.body {
            stack.push((body.ty.clone(), Direction::Request));
        }
        for p in &op.params {
            stack.push((p.ty.clone(), Direction::Request));
        }
        for r in &op.responses {
            if let Some(ty) = &r.ty {
                stack.push((ty.clone(), Direction::Response));
            }
        }
    }
    while let Some((ty, direction)) = stack.pop() {
        match ty {
            TypeRef::Named(name) => {
                if !used.entry(name.clone()).or_default().insert(direction) {
                    continue;
                }
                match api.types.get(&name).map(|t| &t.kind) {
                    Some(TypeKind::Struct(s)) => {
                        stack.extend(s.fields.iter().map(|f| (f.ty.clone(), direction)))
                    }
                    Some(TypeKind::OneOf(o)) => {
                        stack.extend(o.variants.iter().map(|v| (v.ty.clone(), direction)))
                    }
                    Some(TypeKind::Alias(t)) => stack.push((t.clone(), direction)),
                    _ => {}
                }
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) => stack.push((*inner, direction)),
            _ => {}
        }
    }
    used
}

fn variant_label(v: &crate::model::Variant) -> String {
    match v.tags.first() {
        Some(tag) => format!("`{tag}`"),
        None => v.name.clone(),
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "object",
        TypeKind::Enum(_) => "string enum",
        TypeKind::OneOf(_) => "oneOf",
        TypeKind::Alias(_) => "alias",
    }
}

/// A use-site type as a reader knows it from the Rust code.
pub fn display(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Binary => "File".into(),
        TypeRef::Array(inner) => format!("Vec<{}>", display(inner)),
        TypeRef::Map(inner) if **inner == TypeRef::Json => "Map<String, Value>".into(),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", display(inner)),
        TypeRef::Json => "Value".into(),
        TypeRef::Order(fields) => format!("Order<{}>", display(fields)),
    }
}

/// A field's Rust type, presence included, as the generated code spells it.
fn field_type(f: &Field, in_request: bool) -> String {
    let inner = display(&f.ty);
    match (f.required, f.nullable) {
        (true, false) => inner,
        (false, true) if in_request => format!("Nullable<{inner}>"),
        _ => format!("Option<{inner}>"),
    }
}

/// A method's arguments and result as the generated code has them.
fn signature(op: &Operation) -> String {
    let mut args: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path || p.required)
        .map(|p| format!("{}: {}", p.rust_name, display(&p.ty)))
        .collect();
    if let Some(body) = &op.body {
        args.push(format!("body: &{}", display(&body.ty)));
    }
    if op
        .params
        .iter()
        .any(|p| p.location != ParamLocation::Path && !p.required)
    {
        args.push("params".into());
    }
    let result = op.success.as_ref().map_or("()".to_string(), display);
    let pages = op
        .pagination
        .as_ref()
        .map(|p| format!(", pages of {}", display(&p.item)))
        .unwrap_or_default();
    format!("({}) -> Call<{result}{pages}>", args.join(", "))
}
