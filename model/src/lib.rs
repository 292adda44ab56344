//! The model of one version of Clerk's Backend API or webhook events: what
//! it is, independent of OpenAPI's encoding and of the Rust emitted from it.
//! `codegen` builds it (`lower`), turns it into code (`emit`) and compares
//! two (`diff`); `cargo xtask gen` writes each version's model as JSON, and
//! the `clerk` CLI reads it. Plain data: every type is `serde`-serialisable.
//!
//! Every name here is final: Rust identifiers, inline type names, groups
//! and methods are chosen once, while lowering, so that every output agrees.
//! Collections are ordered (by spec order or by name) so that two runs, and
//! two versions, compare cleanly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One spec version's API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// The API version (`info.version`), e.g. `2025-11-10`.
    pub version: String,
    pub title: String,
    /// The first server URL, e.g. `https://api.clerk.com/v1`.
    pub server: String,
    /// Operations sorted by group, then method name.
    pub operations: Vec<Operation>,
    /// Events sent to webhook endpoints (a webhooks document's `x-webhooks`
    /// or `webhooks`), in spec order; none for the Backend API.
    pub events: Vec<Event>,
    /// Named types by Rust name.
    pub types: BTreeMap<String, NamedType>,
    /// Places where a value is untyped JSON, with why.
    pub untyped: Vec<Untyped>,
}

impl Api {
    /// The named types made from `components/schemas` entries (the others
    /// are inline schemas, named from their parent).
    pub fn component_schemas(&self) -> impl Iterator<Item = &NamedType> {
        self.types.values().filter(|t| {
            t.pointer
                .strip_prefix("/components/schemas/")
                .is_some_and(|rest| !rest.contains('/'))
        })
    }
}

/// An event Clerk sends to webhook endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The event type, as sent in the payload's `type`: `user.created`.
    pub name: String,
    /// The Rust variant of `Event`: `UserCreated`.
    pub variant: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// The whole delivery: the envelope (`object`, `type`, `timestamp`,
    /// `instance_id`, `event_attributes`) and `data`.
    pub payload: TypeRef,
    /// The type of the payload's `data`.
    pub data: Option<TypeRef>,
    /// JSON pointer of the event in the spec.
    pub pointer: String,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation: a typed method of the generated client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: String,
    pub method: Method,
    /// The path template, e.g. `/users/{user_id}`.
    pub path: String,
    /// The group (module and accessor), snake_case: `users`.
    pub group: String,
    /// The method name, snake_case: `list`.
    pub name: String,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    /// Declared responses, in status order.
    pub responses: Vec<Response>,
    /// The type of a successful response (`None`: no body).
    pub success: Option<TypeRef>,
    /// The type of error response bodies (`None`: none declared).
    pub error: Option<TypeRef>,
    /// How to walk every page, for list operations: declared by
    /// `x-clerk-pagination`.
    pub pagination: Option<Pagination>,
    /// How the operation writes metadata, when its body has metadata
    /// fields: declared by `x-clerk-metadata`.
    pub metadata: Option<MetadataWrite>,
    /// What the operation irreversibly destroys, in a few words (`the
    /// user record with all its sessions, memberships and associated
    /// data`): declared by `x-clerk-destructive`.
    pub destructive: Option<String>,
    /// Former method names, kept as deprecated aliases for one release
    /// (`x-clerk-aliases`), snake_case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The part the operation plays in verifying who calls a backend,
    /// declared by `x-clerk-auth`.
    pub auth: Option<AuthRole>,
    /// JSON pointer of the operation in the spec.
    pub pointer: String,
}

/// What `clerk_api::auth` calls an operation for, as the spec (through
/// `specs/overlays/`) declares with `x-clerk-auth: {role, token-field}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthRole {
    pub role: AuthRoleKind,
    /// The JSON body field that carries the token to verify (none for
    /// `jwks`).
    pub token_field: Option<String>,
}

/// The jobs of [`AuthRole`]: the instance's JSON Web Key Set, and the
/// three Backend API verifications of opaque machine tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AuthRoleKind {
    /// `jwks`: the keys session tokens and machine JWTs are signed with.
    Jwks,
    /// `verify-api-key`: an API key (`ak_…`).
    VerifyApiKey,
    /// `verify-m2m-token`: an opaque M2M token (`mt_…`).
    VerifyM2mToken,
    /// `verify-oauth-token`: an opaque OAuth access token (`oat_…`).
    VerifyOAuthToken,
}

impl AuthRoleKind {
    pub const ALL: [AuthRoleKind; 4] = [
        AuthRoleKind::Jwks,
        AuthRoleKind::VerifyApiKey,
        AuthRoleKind::VerifyM2mToken,
        AuthRoleKind::VerifyOAuthToken,
    ];

    /// The name in `x-clerk-auth`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthRoleKind::Jwks => "jwks",
            AuthRoleKind::VerifyApiKey => "verify-api-key",
            AuthRoleKind::VerifyM2mToken => "verify-m2m-token",
            AuthRoleKind::VerifyOAuthToken => "verify-oauth-token",
        }
    }
}

/// A list operation walked page by page, as `x-clerk-pagination`
/// declares it: which parameters page, where a page's items are, and
/// whether a cursor may replace the offset after the first page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pagination {
    /// The query parameter of the page size (`limit`).
    pub limit: String,
    /// The query parameter of the number of items to skip (`offset`).
    pub offset: String,
    /// The envelope field holding the items; `None` when the response is
    /// the array itself (`GET /users`).
    pub items: Option<Field>,
    /// The envelope field holding the total, e.g. `total_count`.
    pub total: Option<Field>,
    /// The type of one item.
    pub item: TypeRef,
    pub cursor: Option<Cursor>,
}

/// Cursor pagination: after the first page, `param` takes the value of
/// the last item's `field` (and the offset is dropped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// The query parameter (`starting_after`).
    pub param: String,
    /// The item field whose value the parameter takes (`id`).
    pub field: Field,
    /// When the cursor may be used; otherwise pages keep to offsets.
    pub requires: Option<CursorRequirement>,
}

/// The cursor may be used only while query parameter `param` is absent or
/// one of `values` (`order_by` in `created_at`, `+created_at`,
/// `-created_at`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorRequirement {
    pub param: String,
    pub values: Vec<String>,
}

/// How an operation treats the `*_metadata` objects of its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MetadataWrite {
    /// The resource is created with the metadata given (`POST`).
    Create,
    /// Each metadata object sent replaces the stored one wholesale
    /// (`PATCH /users/{id}`, `PUT …/metadata`).
    Replace,
    /// Each metadata object sent is deep-merged into the stored one; a key
    /// set to `null` is removed (`PATCH …/metadata`).
    Merge,
}

/// The three kinds of metadata Clerk keeps on users, organizations,
/// memberships and invitations, by body field name.
pub const METADATA_FIELDS: [&str; 3] = ["public_metadata", "private_metadata", "unsafe_metadata"];

impl Field {
    /// Whether this is one of Clerk's free-form metadata objects.
    pub fn is_metadata(&self) -> bool {
        METADATA_FIELDS.contains(&self.name.as_str())
            && matches!(&self.ty, TypeRef::Map(value) if **value == TypeRef::Json)
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParamLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// An operation parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The name on the wire.
    pub name: String,
    /// The Rust identifier (argument or field name).
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub description: Option<String>,
    pub deprecated: bool,
    /// For arrays in the query: repeated keys (`a=1&a=2`, the default) or
    /// one comma-separated value (`explode: false`).
    pub explode: bool,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

/// What a schema says about valid values beyond their type: examples,
/// defaults, formats and bounds. Generated code does not enforce them;
/// documentation, sample values (the conformance plans) and the CLI read
/// them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Constraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// `date-time`, `email`, `uri`…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// The constraints of an array's items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BodyEncoding {
    Json,
    Multipart,
    FormUrlEncoded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestBody {
    pub encoding: BodyEncoding,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    /// The media type's `example`, when the spec gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
    /// The body schema's own bounds (an array body's `minItems`…).
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Status {
    Code(u16),
    /// `4XX` is `Range(4)`.
    Range(u16),
    Default,
}

impl Status {
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(c) => (200..300).contains(&c),
            Status::Range(r) => r == 2,
            Status::Default => false,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Range(r) => write!(f, "{r}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub status: Status,
    pub description: String,
    /// The JSON body's type (`None`: no body).
    pub ty: Option<TypeRef>,
}

/// A type at a use site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TypeRef {
    /// A named type of [`Api::types`].
    Named(String),
    String,
    I32,
    I64,
    F64,
    Bool,
    /// File contents (`format: binary`), for uploads.
    Binary,
    Array(Box<TypeRef>),
    /// A JSON object with arbitrary keys (`additionalProperties`).
    Map(Box<TypeRef>),
    /// Any JSON value: only where the schema itself is free-form.
    Json,
    /// A sort order over the fields an enum lists: on the wire the field's
    /// name, with `+` (ascending, also implied) or `-` (descending)
    /// before it. Declared by `x-clerk-order-by` on an `order_by`
    /// parameter whose values the spec lists in prose.
    Order(Box<TypeRef>),
}

/// A named type and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedType {
    pub name: String,
    /// JSON pointer of the schema it was made from.
    pub pointer: String,
    pub description: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// What an inline schema is to the schema or operation it was found
    /// in (none for a component schema).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The schema's own example, default, format and bounds.
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

/// Where an inline schema was found, for its documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// The request body of an operation (group, method).
    RequestBody { group: String, method: String },
    /// A response of an operation (group, method, status).
    Response {
        group: String,
        method: String,
        status: String,
    },
    /// A parameter of an operation (group, method, parameter).
    Param {
        group: String,
        method: String,
        param: String,
    },
    /// Inside another type: `parent` is its Rust name, `path` the way in,
    /// JSON names joined by `.`, `[]` for array items and `{}` for map
    /// values (`email_addresses[]`, `settings.colors`).
    Field { parent: String, path: String },
    /// A variant of a one-of type (by index, from 0).
    Variant { parent: String, index: usize },
    /// The payload of a webhook event.
    Event { name: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum; it also accepts values not listed here.
    Enum(Vec<EnumValue>),
    /// One of several types.
    OneOf(OneOf),
    /// Another name for a use-site type (a component schema that is an
    /// array, a map, a primitive or a `$ref`).
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Whether the struct is (part of) a request: its optional nullable
    /// fields distinguish absent from `null`.
    pub in_request: bool,
    /// Groups of properties of which at least one must be present, as
    /// `anyOf: [{required: [a]}, {required: [b]}]` says (each inner list
    /// is one alternative).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of_required: Vec<Vec<String>>,
    /// Methods reading one item of a list by the id in another field
    /// (`User::primary_email_address`), declared by `x-clerk-primary`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lookups: Vec<Lookup>,
    /// How to read an error response of this type, declared by
    /// `x-clerk-error-body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_body: Option<ErrorBody>,
}

/// `x-clerk-error-body`: the error type's list field, and the fields of
/// one entry that hold its code and messages; and the field of the whole
/// body with a trace id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub list: String,
    pub code: String,
    pub message: String,
    pub long_message: Option<String>,
    pub trace_id: Option<String>,
}

/// `x-clerk-primary`: the item of list field `list` whose `id` equals
/// field `id`'s value, read by a method called `name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lookup {
    pub name: String,
    pub id: String,
    pub list: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The JSON property name.
    pub name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    pub description: Option<String>,
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumValue {
    /// The value on the wire.
    pub value: String,
    /// The Rust variant name.
    pub variant: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneOf {
    /// The property that names the variant, when the spec declares one.
    pub discriminator: Option<String>,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// The Rust variant name.
    pub name: String,
    pub ty: TypeRef,
    /// The discriminator values that select this variant.
    pub tags: Vec<String>,
}

/// A place where generation fell back to untyped JSON.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Untyped {
    pub pointer: String,
    pub reason: String,
}
