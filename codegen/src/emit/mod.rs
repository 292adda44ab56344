//! Model → Rust files (tokens with `quote`, formatted with `prettyplease`).
//!
//! One version becomes one module folder: `mod.rs` (version, client entry
//! point, group accessors), `types.rs` (every named type) and one file per
//! operation group. Generated code holds no logic the runtime could hold:
//! it describes each request and calls `clerk_api`'s one `send` path.

mod catalog;
mod conformance;
mod events;
mod operations;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Api, TypeRef};
use crate::naming::{Scope, pascal, version_module};

/// Where a spec came from, for the `@generated` header.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The spec file, as the header should name it (`specs/bapi/2025-11-10.yml`).
    pub spec_file: String,
    pub sha256: String,
    /// The overlays applied to it: file and sha256.
    pub overlays: Vec<(String, String)>,
}

/// One generated file: its path relative to `clerk-api/src/` and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}

/// A group of operations: its module and accessor type.
struct Group<'a> {
    module: String,
    accessor: String,
    operations: Vec<&'a crate::model::Operation>,
}

/// The files of one version's module.
pub fn emit(api: &Api, provenance: &Provenance) -> Result<Vec<File>, crate::Error> {
    let module = version_module(&api.version);
    let groups = groups(api);
    let mut files = Vec::new();
    let header = header(provenance);

    files.push(File {
        path: format!("{module}/mod.rs"),
        contents: format(&header, root(api, &groups), &format!("{module}/mod.rs"))?,
    });
    files.push(File {
        path: format!("{module}/types.rs"),
        contents: format(&header, types::emit(api), &format!("{module}/types.rs"))?,
    });
    for group in &groups {
        let path = format!("{module}/{}.rs", group.module);
        files.push(File {
            contents: format(&header, operations::emit(api, group), &path)?,
            path,
        });
    }
    Ok(files)
}

/// The files of one webhooks version's module, relative to
/// `clerk-api/src/`: `events/v<V>/mod.rs` and `events/v<V>/types.rs`.
pub fn emit_events(api: &Api, provenance: &Provenance) -> Result<Vec<File>, crate::Error> {
    let module = format!("events/{}", version_module(&api.version));
    let header = header(provenance);
    let mut files = Vec::new();
    for (name, tokens) in [
        ("mod.rs", events::root(api)),
        ("types.rs", types::emit(api)),
    ] {
        let path = format!("{module}/{name}");
        files.push(File {
            contents: format(&header, tokens, &path)?,
            path,
        });
    }
    Ok(files)
}

/// `events/versions.rs`: the webhooks version modules of `clerk-api`, each
/// behind its feature (`events-2025-04-15`).
pub fn events_versions_file(versions: &[String]) -> Result<String, crate::Error> {
    let modules = versions.iter().map(|v| {
        let feature = format!("events-{v}");
        let module = ident(&version_module(v));
        let path = format!("{}/mod.rs", version_module(v));
        let doc = doc(&format!(
            "Clerk webhook events, version `{v}` (feature `{feature}`)."
        ));
        quote! {
            #doc
            #[cfg(feature = #feature)]
            #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]
            #[path = #path]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    format(
        &index_header("the webhook event modules of clerk-api"),
        quote! { #(#modules)* },
        "events/versions.rs",
    )
}

/// The conformance plan of one version, `tests/conformance/v<V>.rs`: a
/// test module calling every operation with `samples`.
pub fn conformance_file(
    api: &Api,
    samples: &std::collections::BTreeMap<String, crate::sample::Sample>,
    provenance: &Provenance,
) -> Result<File, crate::Error> {
    let path = format!("{}.rs", version_module(&api.version));
    let tokens = conformance::emit(api, &groups(api), samples);
    Ok(File {
        contents: format(&header(provenance), tokens, &path)?,
        path,
    })
}

/// The CLI's operation catalog of one version, `cli/src/catalog/v<V>.rs`.
pub fn catalog_file(api: &Api, provenance: &Provenance) -> Result<File, crate::Error> {
    let path = format!("{}.rs", version_module(&api.version));
    let tokens = catalog::emit(api, &groups(api));
    Ok(File {
        contents: format(&header(provenance), tokens, &path)?,
        path,
    })
}

/// One item per version, each behind the version's feature: `item` gets
/// the module's identifier and its file name (`v2025_11_10.rs`).
fn per_version(
    versions: &[String],
    item: impl Fn(&Ident, &str) -> TokenStream,
) -> impl Iterator<Item = TokenStream> {
    versions.iter().map(move |v| {
        let feature = format!("v{v}");
        let module = ident(&version_module(v));
        let item = item(&module, &format!("{}.rs", version_module(v)));
        quote! {
            #[cfg(feature = #feature)]
            #item
        }
    })
}

/// The header of an index file of every version.
fn index_header(what: &str) -> String {
    format!(
        "// @generated by `cargo xtask gen`: {what} of every version.\n\
         // Do not edit: regenerate with `cargo xtask gen`.\n\n"
    )
}

/// `cli/src/catalog/versions.rs`: the catalogs of `versions`, newest last.
pub fn catalog_index(versions: &[String]) -> Result<String, crate::Error> {
    let modules = per_version(versions, |module, path| {
        quote! { #[path = #path] #[rustfmt::skip] pub mod #module; }
    });
    let entries = per_version(versions, |module, _| {
        quote! { super::Catalog { version: #module::VERSION, operations: #module::OPERATIONS }, }
    });
    let tokens = quote! {
        #(#modules)*

        /// The catalogs of the versions compiled in, oldest first.
        pub static CATALOGS: &[super::Catalog] = &[#(#entries)*];
    };
    format(
        &index_header("the operation catalogs"),
        tokens,
        "catalog/versions.rs",
    )
}

/// `tests/conformance/mod.rs`: the plans of `versions`, each behind the
/// `tests` crate's feature of the same name, and a dispatch over them.
pub fn conformance_index(versions: &[String]) -> Result<String, crate::Error> {
    let modules = per_version(versions, |module, _| quote! { pub mod #module; });
    let entries = per_version(versions, |module, _| {
        quote! {
            Plan { version: #module::VERSION, operations: #module::OPERATIONS, call: |client, id| Box::pin(#module::call(client, id)) },
        }
    });
    let tokens = quote! {
        #[allow(unused_imports)]
        use super::{Call, Outcome, outcome, sample};

        #(#modules)*

        /// A call of one operation, in flight.
        pub type Pending<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Outcome> + Send + 'a>>;

        /// One version's plan: its operations and how to call one.
        pub struct Plan {
            pub version: &'static str,
            pub operations: &'static [Call],
            pub call: for<'a> fn(&'a clerk_api::Client, &'a str) -> Pending<'a>,
        }

        /// The plans of the versions enabled by features.
        pub const PLANS: &[Plan] = &[#(#entries)*];
    };
    format(
        &index_header("the conformance plans"),
        tokens,
        "conformance/mod.rs",
    )
}

/// `versions.rs`: the version modules of `clerk-api`, each behind its
/// feature. `versions` are API versions such as `2025-11-10`.
pub fn versions_file(versions: &[String]) -> Result<String, crate::Error> {
    let modules = versions.iter().map(|v| {
        let feature = format!("v{v}");
        let module = ident(&version_module(v));
        let path = format!("{}/mod.rs", version_module(v));
        let doc = doc(&format!(
            "Clerk Backend API version `{v}` (feature `{feature}`)."
        ));
        quote! {
            #doc
            #[cfg(feature = #feature)]
            #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]
            #[path = #path]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    let header = "// @generated by `cargo xtask gen`: the version modules of clerk-api.\n\
                  // Do not edit: regenerate with `cargo xtask gen`.\n\n";
    format(header, quote! { #(#modules)* }, "versions.rs")
}

fn header(provenance: &Provenance) -> String {
    let mut header = format!(
        "// @generated by `cargo xtask gen` from {} (sha256 {})",
        provenance.spec_file, provenance.sha256
    );
    for (file, sha256) in &provenance.overlays {
        header.push_str(&format!("\n// with the overlay {file} (sha256 {sha256})"));
    }
    header.push_str(".\n// Do not edit: change an overlay or the generator, then regenerate.\n\n");
    header
}

fn format(header: &str, tokens: TokenStream, path: &str) -> Result<String, crate::Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| crate::Error::Emit {
        file: path.to_string(),
        message: e.to_string(),
    })?;
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

fn groups(api: &Api) -> Vec<Group<'_>> {
    let mut modules = Scope::new();
    // Names the version module itself uses.
    for reserved in ["types", "client", "Client", "VERSION"] {
        modules.claim(reserved);
    }
    let mut groups: Vec<Group<'_>> = Vec::new();
    for op in &api.operations {
        match groups.last_mut() {
            Some(g) if g.operations[0].group == op.group => g.operations.push(op),
            _ => groups.push(Group {
                module: modules.claim(&op.group),
                accessor: pascal(&op.group),
                operations: vec![op],
            }),
        }
    }
    groups
}

fn root(api: &Api, groups: &[Group<'_>]) -> TokenStream {
    let version = &api.version;
    let title = inner_doc(&format!(
        "{} — API version `{version}`.\n\n{} operations in {} groups, {} types. \
         Start with [`Client`]; each group of operations is a method of it.",
        api.title,
        api.operations.len(),
        groups.len(),
        api.types.len(),
    ));
    let modules = groups.iter().map(|g| {
        let module = ident(&g.module);
        quote! { pub mod #module; }
    });
    let accessors = groups.iter().map(|g| {
        let module = ident(&g.module);
        let accessor = ident(&g.accessor);
        let method = ident(&g.module);
        let ops: Vec<String> = g
            .operations
            .iter()
            .map(|o| format!("`{}`", o.name))
            .collect();
        let doc = doc(&format!(
            "Operations of the `{}` group: {}.",
            g.module,
            ops.join(", ")
        ));
        quote! {
            #doc
            pub fn #method(&self) -> #module::#accessor<'_> {
                #module::#accessor { client: &self.inner }
            }
        }
    });
    let auth_backend = auth_backend(api);
    quote! {
        #title
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        pub mod types;
        #(#modules)*

        /// The API version this module was generated from; its client sends
        /// it as the `Clerk-API-Version` header of every request.
        pub const VERSION: &str = #version;

        /// The client of this API version: a [`crate::Client`] whose requests
        /// carry [`VERSION`].
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: crate::Client,
        }

        impl Client {
            /// Wraps a configured [`crate::Client`].
            pub fn new(inner: crate::Client) -> Self {
                Client { inner }
            }

            /// A client configured from the environment (`CLERK_SECRET_KEY`).
            pub fn from_env() -> Result<Self, crate::ConfigError> {
                crate::Client::from_env().map(Client::new)
            }

            /// The shared client underneath.
            pub fn inner(&self) -> &crate::Client {
                &self.inner
            }

            #(#accessors)*
        }

        #auth_backend
    }
}

/// `impl From<&Client> for crate::auth::Backend`: the operations this
/// version declares (`x-clerk-auth`) for verifying tokens, as data the
/// runtime's verifier sends through the client's one request path.
fn auth_backend(api: &Api) -> TokenStream {
    use crate::model::AuthRoleKind;
    let endpoint = |role: AuthRoleKind| {
        let Some(op) = api
            .operations
            .iter()
            .find(|o| o.auth.as_ref().is_some_and(|a| a.role == role))
        else {
            return quote! { None };
        };
        let method = op.method.as_str();
        let path = &op.path;
        let id = &op.id;
        let token_field = match op.auth.as_ref().and_then(|a| a.token_field.as_deref()) {
            Some(field) => quote! { Some(#field) },
            None => quote! { None },
        };
        quote! {
            Some(crate::auth::Endpoint {
                method: #method,
                path: #path,
                operation: #id,
                token_field: #token_field,
            })
        }
    };
    let [jwks, api_key, m2m_token, oauth_token] = AuthRoleKind::ALL.map(endpoint);
    quote! {
        /// The Backend API operations of this version that
        /// [`crate::auth::Verifier`] calls: the JSON Web Key Set, and the
        /// verification of opaque machine tokens.
        #[cfg(feature = "auth")]
        #[cfg_attr(docsrs, doc(cfg(feature = "auth")))]
        impl From<&Client> for crate::auth::Backend {
            fn from(client: &Client) -> Self {
                crate::auth::Backend::new(
                    client.inner.clone(),
                    VERSION,
                    crate::auth::Operations {
                        jwks: #jwks,
                        api_key: #api_key,
                        m2m_token: #m2m_token,
                        oauth_token: #oauth_token,
                    },
                )
            }
        }
    }
}

pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a use site, as seen from inside a group module or
/// `types.rs` (both can name `types::X` through `super::types`).
pub(crate) fn rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { super::types::#name }
        }
        TypeRef::String => quote! { String },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::Bool => quote! { bool },
        TypeRef::Binary => quote! { crate::File },
        TypeRef::Array(inner) => {
            let inner = rust_type(inner);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) if **inner == TypeRef::Json => {
            quote! { serde_json::Map<String, serde_json::Value> }
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner);
            quote! { std::collections::BTreeMap<String, #inner> }
        }
        TypeRef::Json => quote! { serde_json::Value },
    }
}

/// Rustdoc from a summary and a description, without repeating one in the other.
pub(crate) fn doc_text(summary: Option<&str>, description: Option<&str>) -> String {
    let summary = summary.map(str::trim).filter(|s| !s.is_empty());
    let description = description.map(str::trim).filter(|s| !s.is_empty());
    match (summary, description) {
        (Some(s), Some(d)) if d.starts_with(s) => d.to_string(),
        (Some(s), Some(d)) => format!("{s}\n\n{d}"),
        (Some(s), None) => s.to_string(),
        (None, Some(d)) => d.to_string(),
        (None, None) => String::new(),
    }
}

/// `#[doc]` attributes, one per line, so that they print as `///` lines.
pub(crate) fn doc(text: &str) -> TokenStream {
    doc_lines(text, |line| quote! { #[doc = #line] })
}

/// `#![doc]` attributes, one per line, for module docs.
pub(crate) fn inner_doc(text: &str) -> TokenStream {
    doc_lines(text, |line| quote! { #![doc = #line] })
}

fn doc_lines(text: &str, attribute: impl Fn(String) -> TokenStream) -> TokenStream {
    let lines = text.trim().lines().map(|line| {
        attribute(if line.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", line.trim_end())
        })
    });
    quote! { #(#lines)* }
}
