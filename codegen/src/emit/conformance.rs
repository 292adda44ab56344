//! The conformance plan of one version: a test module that calls every
//! operation of its generated client with sample arguments, for the
//! Prism suite in `tests/`. It is generated from the same model as the
//! client, so a new operation is called as soon as it exists.
//!
//! The module expects its parent (the hand-written harness) to provide
//! `Call`, `Outcome`, `outcome(result)` and `sample::<T>(operation, json)`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{Presence, presence};
use super::{Group, ident, rust_type};
use crate::model::{Api, BodyEncoding, Operation, Param, ParamLocation, TypeKind, TypeRef};
use crate::naming::version_module;
use crate::sample::Sample;

pub(super) fn emit(
    api: &Api,
    groups: &[Group<'_>],
    samples: &BTreeMap<String, Sample>,
) -> TokenStream {
    let module = ident(&version_module(&api.version));
    let version = &api.version;
    let table = api.operations.iter().map(|op| {
        let id = &op.id;
        let method = op.method.as_str();
        let path = &op.path;
        let errors = op.responses.iter().filter_map(|r| match r.status {
            crate::model::Status::Code(code) if !r.status.is_success() => {
                let has_body = r.ty.is_some();
                Some(quote! { (#code, #has_body) })
            }
            _ => None,
        });
        quote! { super::Call { id: #id, method: #method, path: #path, errors: &[#(#errors),*] }, }
    });
    let arms = groups.iter().flat_map(|group| {
        group.operations.iter().map(move |op| {
            let id = &op.id;
            let call = call(api, group, op, &samples[&op.id]);
            quote! { #id => super::super::outcome(#call), }
        })
    });
    quote! {
        //! Calls every operation of this version's client once, with
        //! sample arguments from the spec (examples, else minimal values).
        #![allow(deprecated, clippy::all)]

        use clerk_api::#module::types;

        /// The API version.
        pub const VERSION: &str = #version;

        /// Every operation: id, method, path and declared error statuses
        /// (with whether they declare a body).
        pub const OPERATIONS: &[super::Call] = &[#(#table)*];

        /// Calls operation `id` through `client`.
        pub async fn call(config: &clerk_api::Config, id: &str) -> super::Outcome {
            calls::call(&clerk_api::#module::Client::new(config.clone()), id).await
        }

        // A child module, so that the generated code's `super::types` paths
        // resolve to this version's types.
        mod calls {
            pub(super) async fn call(client: &clerk_api::#module::Client, id: &str) -> super::super::Outcome {
                match id {
                    #(#arms)*
                    _ => super::super::Outcome::NoSuchOperation,
                }
            }
        }
    }
}

/// `client.group().method(args…).await`.
fn call(api: &Api, group: &Group<'_>, op: &Operation, sample: &Sample) -> TokenStream {
    let accessor = ident(&group.module);
    let method = ident(&op.name);
    let id = &op.id;
    let mut bindings = Vec::new();
    let mut args = Vec::new();
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path || p.required)
    {
        let value = sample.args.get(&p.name).cloned().unwrap_or_default();
        args.push(argument(id, p, &value));
    }
    if let Some(body) = &op.body {
        let value = sample.body.clone().unwrap_or_default();
        let ty = rust_type(&body.ty);
        let build = match body.encoding {
            BodyEncoding::Multipart => multipart(api, id, &body.ty, &value),
            BodyEncoding::Json | BodyEncoding::FormUrlEncoded => {
                let json = value.to_string();
                quote! { super::super::sample::<#ty>(#id, #json) }
            }
        };
        bindings.push(quote! { let body: #ty = #build; });
        args.push(quote! { &body });
    }
    if op
        .params
        .iter()
        .any(|p| p.location != ParamLocation::Path && !p.required)
    {
        args.push(quote! { &Default::default() });
    }
    let call = quote! { client.#accessor().#method(#(#args),*).await };
    if bindings.is_empty() {
        call
    } else {
        quote! { { #(#bindings)* #call } }
    }
}

fn argument(id: &str, p: &Param, value: &serde_json::Value) -> TokenStream {
    match (&p.ty, value) {
        (TypeRef::String, serde_json::Value::String(s)) => quote! { #s },
        (TypeRef::String, other) => {
            let text = other.to_string();
            quote! { #text }
        }
        (TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool, _) => {
            let ty = rust_type(&p.ty);
            let json = value.to_string();
            quote! { super::super::sample::<#ty>(#id, #json) }
        }
        (ty, _) => {
            let ty = rust_type(ty);
            let json = value.to_string();
            quote! { &super::super::sample::<#ty>(#id, #json) }
        }
    }
}

/// A multipart body: files are a small PNG-like payload, required text
/// fields come from the sample, optional ones are left out.
fn multipart(api: &Api, id: &str, ty: &TypeRef, value: &serde_json::Value) -> TokenStream {
    let TypeRef::Named(name) = ty else {
        return quote! { Default::default() };
    };
    let Some(TypeKind::Struct(s)) = api.types.get(name).map(|t| &t.kind) else {
        return quote! { Default::default() };
    };
    let type_name = ident(name);
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let value = if f.ty == TypeRef::Binary {
            let file = quote! {
                clerk_api::File::new(b"\x89PNG\r\n\x1a\nconformance".to_vec(), "sample.png", "image/png")
            };
            match presence(f, true) {
                Presence::Required => file,
                Presence::Option { .. } => quote! { Some(#file) },
                Presence::Nullable => quote! { clerk_api::Nullable::Value(#file) },
            }
        } else if f.required {
            let ty = rust_type(&f.ty);
            let json = value.get(&f.name).cloned().unwrap_or_default().to_string();
            quote! { super::super::sample::<#ty>(#id, #json) }
        } else {
            quote! { Default::default() }
        };
        quote! { #field: #value }
    });
    quote! { super::types::#type_name { #(#fields),* } }
}
