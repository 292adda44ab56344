//! Named types → `types.rs`: structs, open string enums, one-of enums and
//! aliases.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, rust_type};
use crate::model::{
    Api, EnumValue, ErrorBody, Field, Lookup, NamedType, OneOf, Role, Struct, TypeKind, TypeRef,
};

/// Where an operation's method lives, for links: group → (module,
/// accessor type).
pub(super) type GroupPaths = BTreeMap<String, (String, String)>;

pub(super) fn emit(api: &Api, groups: &GroupPaths) -> TokenStream {
    let boxed = boxed_fields(&api.types);
    let items = api.types.values().map(|t| {
        let doc = doc(&type_doc(t, api, groups));
        let deprecated = t.deprecated.then(|| quote! { #[deprecated] });
        let body = match &t.kind {
            TypeKind::Struct(s) => structure(api, t, s, &boxed),
            TypeKind::Enum(values) => string_enum(t, values),
            TypeKind::OneOf(one_of) => one_of_enum(t, one_of),
            TypeKind::Alias(target) => {
                let name = ident(&t.name);
                let target = rust_type(target);
                quote! { pub type #name = #target; }
            }
        };
        quote! {
            #doc
            #deprecated
            #body
        }
    });
    quote! {
        //! Every schema of this API version as a Rust type.
        #![allow(deprecated)]
        #(#items)*
    }
}

fn type_doc(t: &NamedType, api: &Api, groups: &GroupPaths) -> String {
    let text = t.description.as_deref().map(str::trim).unwrap_or_default();
    let method = |group: &str, method: &str| match groups.get(group) {
        Some((module, accessor)) => {
            format!("[`{accessor}::{method}`](super::{module}::{accessor}::{method})")
        }
        None => format!("`{group}().{method}`"),
    };
    let origin = match &t.role {
        None => format!("Schema `#{}`.", t.pointer),
        Some(Role::RequestBody { group, method: m }) => {
            format!("Request body of {}.", method(group, m))
        }
        Some(Role::Response {
            group,
            method: m,
            status,
        }) => format!("Response {status} of {}.", method(group, m)),
        Some(Role::Param {
            group,
            method: m,
            param,
        }) => format!("Parameter `{param}` of {}.", method(group, m)),
        Some(Role::Field { parent, path }) => {
            let (place, field) = if let Some(field) = path.strip_suffix("[]") {
                ("Items of", field)
            } else if let Some(field) = path.strip_suffix("{}") {
                ("Values of", field)
            } else {
                ("Field", path.as_str())
            };
            if field.is_empty() {
                format!("{place} [`{parent}`].")
            } else if place == "Field" {
                format!("Field `{field}` of [`{parent}`].")
            } else {
                format!("{place} field `{field}` of [`{parent}`].")
            }
        }
        Some(Role::Variant { parent, index }) => {
            format!("Variant {} of [`{parent}`].", index + 1)
        }
        Some(Role::Event { name }) => match api.events.iter().find(|e| &e.name == name) {
            Some(event) => format!(
                "The delivery of a `{name}` event: [`Event::{}`](super::Event::{}).",
                event.variant, event.variant
            ),
            None => format!("The delivery of a `{name}` event."),
        },
    };
    if text.is_empty() {
        origin
    } else {
        format!("{text}\n\n{origin}")
    }
}

/// Fields that must be boxed: a struct that contains itself (directly or
/// through other structs) without a `Vec` or map in between has no size.
fn boxed_fields(types: &BTreeMap<String, NamedType>) -> BTreeSet<(String, String)> {
    let direct = |name: &str| -> Vec<&str> {
        match types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => s
                .fields
                .iter()
                .filter_map(|f| match &f.ty {
                    TypeRef::Named(n) => Some(n.as_str()),
                    _ => None,
                })
                .collect(),
            Some(TypeKind::OneOf(o)) => o
                .variants
                .iter()
                .filter_map(|v| match &v.ty {
                    TypeRef::Named(n) => Some(n.as_str()),
                    _ => None,
                })
                .collect(),
            Some(TypeKind::Alias(TypeRef::Named(n))) => vec![n.as_str()],
            _ => Vec::new(),
        }
    };
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                stack.extend(direct(n));
            }
        }
        false
    };
    let mut boxed = BTreeSet::new();
    for t in types.values() {
        if let TypeKind::Struct(s) = &t.kind {
            for f in &s.fields {
                if let TypeRef::Named(n) = &f.ty
                    && reaches(n, &t.name)
                {
                    boxed.insert((t.name.clone(), f.name.clone()));
                }
            }
        }
    }
    boxed
}

fn structure(
    api: &Api,
    t: &NamedType,
    s: &Struct,
    boxed: &BTreeSet<(String, String)>,
) -> TokenStream {
    let name = ident(&t.name);
    // A multipart body holds files, which are not JSON.
    let has_file = s.fields.iter().any(|f| f.ty == TypeRef::Binary);
    let all_optional = s.fields.iter().all(|f| !f.required);
    let default = (s.in_request && all_optional).then(|| quote! { #[derive(Default)] });
    // A field Clerk adds to a response is not a breaking change for code
    // that builds the struct (in tests, say): it cannot.
    let non_exhaustive = (!s.in_request).then(|| quote! { #[non_exhaustive] });
    let is_boxed = |f: &Field| boxed.contains(&(t.name.clone(), f.name.clone()));
    let deserialize = (!has_file).then(|| deserialize_impl(&name, s));
    let serialize = (!has_file).then(|| serialize_impl(&name, s));
    let fields = s.fields.iter().map(|f| field(f, s.in_request, is_boxed(f)));
    let constructor =
        (s.in_request && !all_optional).then(|| constructor(&name, s, boxed, &t.name));
    let setters: Vec<TokenStream> = if s.in_request {
        s.fields
            .iter()
            .filter(|f| !f.required)
            .map(|f| {
                let element = match &f.ty {
                    TypeRef::Array(item) if !f.is_metadata() => Some(rust_type(item)),
                    _ => None,
                };
                setter_tokens(
                    &f.rust_name,
                    &f.name,
                    field_value_type(f, true),
                    element,
                    presence(f, true),
                    f.deprecated,
                    is_boxed(f),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let setters = (!setters.is_empty()).then(|| {
        quote! {
            impl #name {
                #(#setters)*
            }
        }
    });
    let lookups = (!s.lookups.is_empty()).then(|| lookups(api, &name, s));
    let error_body = s.error_body.as_ref().map(|e| error_body(api, &name, s, e));
    quote! {
        #[derive(Debug, Clone, PartialEq)]
        #default
        #non_exhaustive
        pub struct #name {
            #(#fields)*
        }
        #serialize
        #deserialize
        #constructor
        #setters
        #lookups
        #error_body
    }
}

/// A struct's `Serialize`, written out for the same reason as its
/// `Deserialize`: fields in order, optional ones left out when unset.
fn serialize_impl(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let mut always = 0usize;
    let mut sometimes = Vec::new();
    let fields: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let field = ident(&f.rust_name);
            let wire = &f.name;
            match presence(f, s.in_request) {
                Presence::Required | Presence::Option { skip_none: false } => {
                    always += 1;
                    quote! { out.serialize_field(#wire, &self.#field)?; }
                }
                Presence::Option { skip_none: true } => {
                    sometimes.push(quote! { self.#field.is_some() });
                    quote! { optional(&mut out, #wire, &self.#field)?; }
                }
                Presence::Nullable => {
                    sometimes.push(quote! { !self.#field.is_absent() });
                    quote! { nullable(&mut out, #wire, &self.#field)?; }
                }
            }
        })
        .collect();
    let type_name = name.to_string();
    let out_binding = if s.fields.is_empty() {
        quote! { out }
    } else {
        quote! { mut out }
    };
    let len = match (always, sometimes.as_slice()) {
        (0, []) => quote! { 0 },
        (0, [first, rest @ ..]) => quote! { usize::from(#first) #(+ usize::from(#rest))* },
        (always, _) => quote! { #always #(+ usize::from(#sometimes))* },
    };
    quote! {
        #[allow(deprecated)]
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                #[allow(unused_imports)]
                use crate::__private::fields::{nullable, optional};
                let len = #len;
                let #out_binding = serializer.serialize_struct(#type_name, len)?;
                #(#fields)*
                out.end()
            }
        }
    }
}

/// A struct's `Deserialize`, written out rather than derived: it reads a
/// JSON object only, through the runtime's helpers
/// (`clerk_api::fields`), which keeps the crate's build time about half
/// of what serde's derive costs.
fn deserialize_impl(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let slot = |f: &Field| ident(&format!("slot_{}", f.rust_name));
    // Each slot's type is inferred from the field it fills.
    let slots = s.fields.iter().map(|f| {
        let slot = slot(f);
        quote! { let mut #slot = None; }
    });
    let arms = s.fields.iter().map(|f| {
        let slot = slot(f);
        let wire = &f.name;
        quote! { #wire => field(&mut map, &mut #slot, #wire), }
    });
    let values = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let slot = slot(f);
        let wire = &f.name;
        match presence(f, s.in_request) {
            Presence::Required => {
                quote! { #field: required(#slot, #wire)?, }
            }
            // Absent is `None` (or `Nullable::Absent`), as with the derive.
            Presence::Option { .. } | Presence::Nullable => {
                quote! { #field: #slot.unwrap_or_default(), }
            }
        }
    });
    let expecting = format!("struct {name}");
    // A struct with no fields skips every key.
    let read = if s.fields.is_empty() {
        quote! {
            while map.next_key::<__Key<'de>>()?.is_some() {
                skip(&mut map)?;
            }
        }
    } else {
        quote! {
            #(#slots)*
            while let Some(key) = map.next_key::<__Key<'de>>()? {
                // One `?` for all arms: each early return drops every
                // slot, so one per field costs build time.
                match key.as_str() {
                    #(#arms)*
                    _ => skip(&mut map),
                }?;
            }
        }
    };
    // Local names start with `__` and `Result` is spelled in full, so that
    // no schema's name (`Fields`, `Result`…) can be taken for them.
    quote! {
        #[allow(deprecated)]
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct __Visitor;
                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<#name, A::Error> {
                        #[allow(unused_imports)]
                        use crate::__private::fields::{FieldName as __Key, field, required, skip};
                        #read
                        Ok(#name { #(#values)* })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

/// `x-clerk-primary`: `user.primary_email_address()` and the like.
fn lookups(api: &Api, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let methods = s.lookups.iter().filter_map(
        |Lookup {
             name: method,
             id,
             list,
         }| {
            let id_field = s.fields.iter().find(|f| &f.name == id)?;
            let list_field = s.fields.iter().find(|f| &f.name == list)?;
            let item = crate::conventions::array_item(&api.types, &list_field.ty)?;
            let item_struct = crate::conventions::struct_of(&api.types, &item)?;
            let item_id = item_struct.fields.iter().find(|f| f.name == "id")?;
            let method = ident(method);
            let id_ident = ident(&id_field.rust_name);
            let list_ident = ident(&list_field.rust_name);
            let item_id_ident = ident(&item_id.rust_name);
            let item_type = rust_type(&item);
            let wanted = match presence(id_field, false) {
                Presence::Required => quote! { let wanted = self.#id_ident.as_str(); },
                _ => quote! { let wanted = self.#id_ident.as_deref()?; },
            };
            let candidates = match presence(list_field, false) {
                Presence::Required => quote! { self.#list_ident.iter() },
                _ => quote! { self.#list_ident.iter().flatten() },
            };
            let matches = match presence(item_id, false) {
                Presence::Required => quote! { item.#item_id_ident == wanted },
                _ => quote! { item.#item_id_ident.as_deref() == Some(wanted) },
            };
            let doc = doc(&format!(
                "The entry of `{list}` whose id is `{id}`, if there is one (declared by \
             `x-clerk-primary`)."
            ));
            Some(quote! {
                #doc
                pub fn #method(&self) -> Option<&#item_type> {
                    #wanted
                    #candidates.find(|item| #matches)
                }
            })
        },
    );
    quote! {
        impl #name {
            #(#methods)*
        }
    }
}

/// `impl crate::ErrorBody`: the code, message and trace id of an error
/// body, read where `x-clerk-error-body` says.
fn error_body(api: &Api, name: &proc_macro2::Ident, s: &Struct, e: &ErrorBody) -> TokenStream {
    let Some(list) = s.fields.iter().find(|f| f.name == e.list) else {
        return quote! {};
    };
    let Some(entry) = crate::conventions::array_item(&api.types, &list.ty)
        .and_then(|item| crate::conventions::struct_of(&api.types, &item))
    else {
        return quote! {};
    };
    let list_ident = ident(&list.rust_name);
    let first = match presence(list, false) {
        Presence::Required => quote! { self.#list_ident.first() },
        _ => quote! { self.#list_ident.as_ref().and_then(|list| list.first()) },
    };
    let read = |field: &str| -> TokenStream {
        match entry.fields.iter().find(|f| f.name == field) {
            Some(f) => {
                let f_ident = ident(&f.rust_name);
                match presence(f, false) {
                    Presence::Required => quote! { #first.map(|e| e.#f_ident.as_str()) },
                    _ => quote! { #first.and_then(|e| e.#f_ident.as_deref()) },
                }
            }
            None => quote! { None },
        }
    };
    let code = read(&e.code);
    let message = match &e.long_message {
        Some(long) => {
            let long = read(long);
            let short = read(&e.message);
            quote! { #long.or(#short) }
        }
        None => read(&e.message),
    };
    let trace_id = match e
        .trace_id
        .as_ref()
        .and_then(|t| s.fields.iter().find(|f| &f.name == t))
    {
        Some(f) => {
            let f_ident = ident(&f.rust_name);
            match presence(f, false) {
                Presence::Required => quote! { Some(self.#f_ident.as_str()) },
                _ => quote! { self.#f_ident.as_deref() },
            }
        }
        None => quote! { None },
    };
    quote! {
        impl crate::ErrorBody for #name {
            fn code(&self) -> Option<&str> {
                #code
            }
            fn message(&self) -> Option<&str> {
                #message
            }
            fn trace_id(&self) -> Option<&str> {
                #trace_id
            }
        }
    }
}

/// How a field is declared: its Rust type and serde attributes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Presence {
    /// Required, not nullable: `T`.
    Required,
    /// Required and nullable (`null` is sent), or optional: `Option<T>`.
    Option { skip_none: bool },
    /// Optional and nullable in a request: absent, `null` or a value.
    Nullable,
}

pub(super) fn presence(f: &Field, in_request: bool) -> Presence {
    match (f.required, f.nullable) {
        (true, false) => Presence::Required,
        (true, true) => Presence::Option { skip_none: false },
        (false, true) if in_request => Presence::Nullable,
        (false, _) => Presence::Option { skip_none: true },
    }
}

/// The type of a field's value: its use-site type, except that metadata
/// objects sent in a request are [`crate::Metadata`] (any JSON object,
/// checked when the call is sent).
fn field_value_type(f: &Field, in_request: bool) -> TokenStream {
    if in_request && f.is_metadata() {
        quote! { crate::Metadata }
    } else {
        rust_type(&f.ty)
    }
}

fn field_type(f: &Field, in_request: bool, is_boxed: bool) -> TokenStream {
    let mut inner = field_value_type(f, in_request);
    if is_boxed {
        inner = quote! { Box<#inner> };
    }
    match presence(f, in_request) {
        Presence::Required => inner,
        Presence::Option { .. } => quote! { Option<#inner> },
        Presence::Nullable => quote! { crate::Nullable<#inner> },
    }
}

fn field(f: &Field, in_request: bool, is_boxed: bool) -> TokenStream {
    let rust_name = ident(&f.rust_name);
    let ty = field_type(f, in_request, is_boxed);
    let doc = f
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(doc);
    let deprecated = f.deprecated.then(|| quote! { #[deprecated] });
    quote! {
        #doc
        #deprecated
        pub #rust_name: #ty,
    }
}

/// `new(required fields…)` for request structs with required fields, so
/// that they cannot be forgotten while the optional ones default.
fn constructor(
    name: &proc_macro2::Ident,
    s: &Struct,
    boxed: &BTreeSet<(String, String)>,
    type_name: &str,
) -> TokenStream {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let is_boxed = |f: &Field| boxed.contains(&(type_name.to_string(), f.name.clone()));
    let args = required.iter().map(|f| {
        let arg = ident(&f.rust_name);
        let ty = match (presence(f, true), &f.ty) {
            // Required and nullable: `None` is sent as `null`.
            (Presence::Option { .. }, _) => field_type(f, true, is_boxed(f)),
            (_, TypeRef::Array(item)) if !f.is_metadata() => {
                let item = rust_type(item);
                quote! { impl IntoIterator<Item = impl Into<#item>> }
            }
            _ => {
                let ty = field_value_type(f, true);
                quote! { impl Into<#ty> }
            }
        };
        quote! { #arg: #ty }
    });
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let value = match (presence(f, true), &f.ty) {
            (Presence::Option { .. }, _) => quote! { #field },
            (_, TypeRef::Array(_)) if !f.is_metadata() => {
                quote! { #field.into_iter().map(Into::into).collect() }
            }
            _ => quote! { #field.into() },
        };
        let value = if is_boxed(f) && !matches!(presence(f, true), Presence::Option { .. }) {
            quote! { Box::new(#value) }
        } else {
            value
        };
        if f.required && matches!(presence(f, true), Presence::Option { .. }) {
            quote! { #field }
        } else if f.required {
            quote! { #field: #value }
        } else {
            quote! { #field: Default::default() }
        }
    });
    let doc = doc(&format!(
        "A value with the required fields ({}) set and every optional field absent.",
        required
            .iter()
            .map(|f| format!("`{}`", f.name))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    quote! {
        impl #name {
            #doc
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#args),*) -> Self {
                #name { #(#inits),* }
            }
        }
    }
}

fn string_enum(t: &NamedType, values: &[EnumValue]) -> TokenStream {
    let name = ident(&t.name);
    let variants = values.iter().map(|v| {
        let variant = ident(&v.variant);
        let doc = doc(&format!("`{}`", v.value));
        quote! { #doc #variant, }
    });
    let to_str = values.iter().map(|v| {
        let variant = ident(&v.variant);
        let value = &v.value;
        quote! { #name::#variant => #value, }
    });
    let from_str = values.iter().map(|v| {
        let variant = ident(&v.variant);
        let value = &v.value;
        quote! { #value => #name::#variant, }
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
        #[serde(from = "String")]
        pub enum #name {
            #(#variants)*
            /// A value this version of the spec does not list (Clerk added
            /// it later): kept as sent, so that decoding never fails on it.
            /// Do not match on its contents: a newer version names it.
            Unknown(crate::UnknownValue),
        }

        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    #name::Unknown(other) => other.as_str(),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_str)*
                    _ => #name::Unknown(crate::UnknownValue::new(value)),
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn one_of_enum(t: &NamedType, one_of: &OneOf) -> TokenStream {
    let name = ident(&t.name);
    let has_json_variant = one_of.variants.iter().any(|v| v.ty == TypeRef::Json);
    let variants = one_of.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = rust_type(&v.ty);
        let doc = (!v.tags.is_empty()).then(|| {
            doc(&format!(
                "Selected by {}.",
                v.tags
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        });
        quote! { #doc #variant(#ty), }
    });
    let unknown = (!has_json_variant).then(|| {
        quote! {
            /// A value that matches no variant this version of the spec
            /// lists (for instance a new kind Clerk added later), kept as
            /// sent. Do not match on its contents: a newer version names it.
            Unknown(crate::UnknownJson),
        }
    });
    let Some(tag) = &one_of.discriminator else {
        return quote! {
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
                #unknown
            }
        };
    };
    // Tagged: pick the variant by the tag's value; without a known tag, the
    // first variant that decodes; failing that, `Unknown` (or the variant
    // that already holds any JSON value).
    let fallback = match one_of.variants.iter().find(|v| v.ty == TypeRef::Json) {
        Some(v) => {
            let variant = ident(&v.name);
            quote! { #name::#variant }
        }
        None => quote! { |value| #name::Unknown(crate::UnknownJson::new(value)) },
    };
    let by_tag = one_of.variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
        let variant = ident(&v.name);
        let tags = &v.tags;
        quote! {
            #(Some(#tags))|* => serde_json::from_value(value).map(#name::#variant).map_err(serde::de::Error::custom),
        }
    });
    let attempts = one_of.variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote! { |v| serde_json::from_value(v).ok().map(#name::#variant) }
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
            #unknown
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#by_tag)*
                    _ => Ok(crate::__private::first_match(value, &[#(#attempts),*]).unwrap_or_else(#fallback)),
                }
            }
        }
    }
}

/// A chainable setter of an optional field: `body.created_by("user_123")`.
/// `presence` says how the field is held (`Option`, `Nullable`, or a `Vec`
/// that is empty when unset, given as `Required`).
pub(super) fn setter(
    rust_name: &str,
    wire: &str,
    ty: &TypeRef,
    presence: Presence,
    deprecated: bool,
) -> TokenStream {
    let element = match ty {
        TypeRef::Array(item) => Some(rust_type(item)),
        _ => None,
    };
    setter_tokens(
        rust_name,
        wire,
        rust_type(ty),
        element,
        presence,
        deprecated,
        false,
    )
}

/// `element` is the item type of a list field, which the setter takes as
/// any iterator of values convertible into it.
fn setter_tokens(
    rust_name: &str,
    wire: &str,
    value_type: TokenStream,
    element: Option<TokenStream>,
    presence: Presence,
    deprecated: bool,
    is_boxed: bool,
) -> TokenStream {
    let field = ident(rust_name);
    let deprecated = deprecated.then(|| quote! { #[deprecated] });
    let boxed = |value: TokenStream| {
        if is_boxed {
            quote! { Box::new(#value) }
        } else {
            value
        }
    };
    let (argument, value) = match (presence, element) {
        (Presence::Nullable, _) => {
            let doc = doc(&format!(
                "Sets `{wire}`: a value, or `None` to send `null` (which clears it)."
            ));
            // A boxed field (a recursive type) boxes the value it is given.
            let assign = if is_boxed {
                quote! {
                    self.#field = match value.into() {
                        crate::Nullable::Value(value) => crate::Nullable::Value(Box::new(value)),
                        crate::Nullable::Null => crate::Nullable::Null,
                        crate::Nullable::Absent => crate::Nullable::Absent,
                    };
                }
            } else {
                quote! { self.#field = value.into(); }
            };
            return quote! {
                #doc
                #deprecated
                pub fn #field(mut self, value: impl Into<crate::Nullable<#value_type>>) -> Self {
                    #assign
                    self
                }
            };
        }
        (_, Some(item)) => (
            quote! { values: impl IntoIterator<Item = impl Into<#item>> },
            quote! { values.into_iter().map(Into::into).collect() },
        ),
        _ => (
            quote! { value: impl Into<#value_type> },
            boxed(quote! { value.into() }),
        ),
    };
    let assign = match presence {
        Presence::Required => quote! { self.#field = #value; },
        _ => quote! { self.#field = Some(#value); },
    };
    let doc = doc(&format!("Sets `{wire}`."));
    quote! {
        #doc
        #deprecated
        pub fn #field(mut self, #argument) -> Self {
            #assign
            self
        }
    }
}
