//! The events of a webhooks document → one module: `mod.rs` (the `Event`
//! enum, chosen by each delivery's `type`) and `types.rs` (every payload
//! type). Decoding by type is the runtime's (`clerk_api::events`); the
//! generated code only lists which type string selects which variant.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, doc_text, ident, inner_doc, rust_type};
use crate::model::{Api, TypeRef};

pub(super) fn root(api: &Api) -> TokenStream {
    let version = &api.version;
    let title = inner_doc(&format!(
        "{} — webhooks version `{version}` (feature `events-{version}`).\n\n\
         {} events, {} types. A verified delivery decodes into [`Event`], one variant per \
         event type, each holding the whole payload: the envelope (`object`, `type`, \
         `timestamp`, `instance_id`, `event_attributes`) and its typed `data`. See \
         [`crate::events`] for verifying deliveries.",
        api.title,
        api.events.len(),
        api.types.len(),
    ));
    let names: Vec<&str> = api.events.iter().map(|e| e.name.as_str()).collect();
    // `mod.rs` names the payload types through its own `types` module.
    let payload_type = |ty: &TypeRef| match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { types::#name }
        }
        other => rust_type(other),
    };
    let variants = api.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let payload = payload_type(&e.payload);
        let text = doc_text(e.summary.as_deref(), e.description.as_deref());
        let doc = doc(&if text.is_empty() {
            format!("`{}`.", e.name)
        } else {
            format!("`{}`: {text}", e.name)
        });
        let deprecated = e.deprecated.then(|| quote! { #[deprecated] });
        quote! { #doc #deprecated #variant(#payload), }
    });
    let type_of = api.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let name = &e.name;
        quote! { Event::#variant(_) => #name, }
    });
    let decode = api.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let name = &e.name;
        quote! { #name => crate::events::__private::typed(&raw).map(Event::#variant), }
    });
    let encode = api.events.iter().map(|e| {
        let variant = ident(&e.variant);
        quote! { Event::#variant(payload) => payload.serialize(serializer), }
    });
    quote! {
        #title
        #![allow(deprecated, rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        pub mod types;

        /// The webhooks version this module was generated from.
        pub const VERSION: &str = #version;

        /// Every event type this version describes, as sent in `type`.
        pub const EVENT_TYPES: &[&str] = &[#(#names),*];

        /// An event Clerk sends to webhook endpoints, chosen by the
        /// delivery's `type`. A type this version does not describe decodes
        /// into [`Event::Unknown`], never into an error.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event type this version does not describe (Clerk added it
            /// later), with its type and JSON as sent.
            Unknown(crate::events::UnknownEvent),
        }

        impl Event {
            /// The event type, as sent in `type` (`user.created`).
            pub fn event_type(&self) -> &str {
                match self {
                    #(#type_of)*
                    Event::Unknown(event) => event.event_type(),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for Event {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (event_type, raw) = crate::events::__private::split(deserializer)?;
                match event_type.as_str() {
                    #(#decode)*
                    _ => crate::events::__private::unknown(event_type, &raw).map(Event::Unknown),
                }
            }
        }

        impl serde::Serialize for Event {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#encode)*
                    Event::Unknown(event) => event.json().serialize(serializer),
                }
            }
        }
    }
}
