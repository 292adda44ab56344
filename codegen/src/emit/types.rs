//! Named types → `types.rs`: structs, open string enums, one-of enums and
//! aliases.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, rust_type};
use crate::model::{
    Api, EnumValue, Field, METADATA_FIELDS, NamedType, OneOf, Struct, TypeKind, TypeRef,
};

pub(super) fn emit(api: &Api) -> TokenStream {
    let boxed = boxed_fields(&api.types);
    let items = api.types.values().map(|t| {
        let doc = doc(&type_doc(t));
        let deprecated = t.deprecated.then(|| quote! { #[deprecated] });
        let body = match &t.kind {
            TypeKind::Struct(s) => structure(t, s, &boxed),
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

fn type_doc(t: &NamedType) -> String {
    let text = t.description.as_deref().map(str::trim).unwrap_or_default();
    let origin = format!("Schema `#{}`.", t.pointer);
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

fn structure(t: &NamedType, s: &Struct, boxed: &BTreeSet<(String, String)>) -> TokenStream {
    let name = ident(&t.name);
    // A multipart body holds files, which are not JSON.
    let has_file = s.fields.iter().any(|f| f.ty == TypeRef::Binary);
    let derives = if has_file {
        quote! { #[derive(Debug, Clone, PartialEq)] }
    } else {
        quote! { #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)] }
    };
    let all_optional = s.fields.iter().all(|f| !f.required);
    let default = (s.in_request && all_optional).then(|| quote! { #[derive(Default)] });
    let fields = s.fields.iter().map(|f| {
        let is_boxed = boxed.contains(&(t.name.clone(), f.name.clone()));
        field(f, s.in_request, is_boxed, has_file)
    });
    let constructor =
        (s.in_request && !all_optional).then(|| constructor(&name, s, boxed, &t.name));
    let with_metadata =
        (s.in_request && s.fields.iter().any(Field::is_metadata)).then(|| with_metadata(&name, s));
    quote! {
        #derives
        #default
        pub struct #name {
            #(#fields)*
        }
        #constructor
        #with_metadata
    }
}

/// `with_metadata(Metadata)` for request bodies with metadata fields: the
/// one way to fill them, which refuses a kind the body lacks.
fn with_metadata(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let field_of = |wire: &str| s.fields.iter().find(|f| f.name == wire && f.is_metadata());
    let accepted = METADATA_FIELDS.map(|wire| field_of(wire).is_some());
    let bindings = METADATA_FIELDS.map(|wire| match field_of(wire) {
        Some(_) => {
            let binding = ident(wire);
            quote! { #binding }
        }
        None => quote! { _ },
    });
    let assignments = METADATA_FIELDS.iter().filter_map(|wire| {
        let f = field_of(wire)?;
        let field = ident(&f.rust_name);
        let binding = ident(wire);
        let wrap = match presence(f, true) {
            Presence::Required => quote! { value },
            Presence::Option { .. } => quote! { Some(value) },
            Presence::Nullable => quote! { crate::Nullable::Value(value) },
        };
        Some(quote! {
            if let Some(value) = #binding {
                self.#field = #wrap;
            }
        })
    });
    let type_name = name.to_string();
    quote! {
        impl #name {
            /// Sets the metadata objects given in `metadata` and leaves the
            /// others as they are. Whether the API replaces or merges them
            /// is said by the operation; see [`crate::Metadata`].
            pub fn with_metadata(
                mut self,
                metadata: crate::Metadata,
            ) -> Result<Self, crate::MetadataError> {
                let [#(#bindings),*] = metadata.into_fields(#type_name, [#(#accepted),*])?;
                #(#assignments)*
                Ok(self)
            }
        }
    }
}

/// How a field is declared: its Rust type and serde attributes.
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

fn field_type(f: &Field, in_request: bool, is_boxed: bool) -> TokenStream {
    let mut inner = rust_type(&f.ty);
    if is_boxed {
        inner = quote! { Box<#inner> };
    }
    match presence(f, in_request) {
        Presence::Required => inner,
        Presence::Option { .. } => quote! { Option<#inner> },
        Presence::Nullable => quote! { crate::Nullable<#inner> },
    }
}

fn field(f: &Field, in_request: bool, is_boxed: bool, no_serde: bool) -> TokenStream {
    let rust_name = ident(&f.rust_name);
    let wire = &f.name;
    let ty = field_type(f, in_request, is_boxed);
    let doc = f
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(doc);
    let deprecated = f.deprecated.then(|| quote! { #[deprecated] });
    let rename = (!no_serde && *wire != f.rust_name).then(|| quote! { rename = #wire, });
    let serde = if no_serde {
        None
    } else {
        match presence(f, in_request) {
            Presence::Required | Presence::Option { skip_none: false } => {
                rename.map(|r| quote! { #[serde(#r)] })
            }
            Presence::Option { skip_none: true } => {
                Some(quote! { #[serde(#rename default, skip_serializing_if = "Option::is_none")] })
            }
            Presence::Nullable => Some(
                quote! { #[serde(#rename default, skip_serializing_if = "crate::Nullable::is_absent")] },
            ),
        }
    };
    quote! {
        #doc
        #deprecated
        #serde
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
    let args = required.iter().map(|f| {
        let arg = ident(&f.rust_name);
        let ty = field_type(
            f,
            true,
            boxed.contains(&(type_name.to_string(), f.name.clone())),
        );
        quote! { #arg: #ty }
    });
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        if f.required {
            quote! { #field }
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
            Unknown(String),
        }

        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    #name::Unknown(other) => other,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_str)*
                    _ => #name::Unknown(value),
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
            /// lists (for instance a new kind Clerk added later), kept as sent.
            Unknown(serde_json::Value),
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
    let fallback = ident(
        one_of
            .variants
            .iter()
            .find(|v| v.ty == TypeRef::Json)
            .map_or("Unknown", |v| v.name.as_str()),
    );
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
                    _ => Ok(crate::__private::first_match(value, &[#(#attempts),*]).unwrap_or_else(#name::#fallback)),
                }
            }
        }
    }
}
