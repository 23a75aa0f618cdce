//! Azure AD B2C RESTful technical profiles as plain Rust functions.
//!
//! Annotate a function with [`claims_handler`], its parameters with `#[claim(...)]`, and return a
//! struct that derives [`OutputClaims`]: the macros generate the actix-web handler, the claim
//! mapping, the localized B2C error bodies and a static [`HandlerSpec`] from which the policy XML
//! is exported, so the service and the policy cannot drift apart.
//!
//! ```
//! use claims_runtime::prelude::*;
//!
//! #[derive(OutputClaims)]
//! struct Membership {
//!     #[claim(id = "loyaltyNumber")]
//!     loyalty_number: String,
//!     #[claim(id = "isNewMember", partner = "isNew")]
//!     is_new: bool,
//! }
//!
//! /// Looks up the member's loyalty number.
//! #[claims_handler(path = "/membership", send_claims_in = Body)]
//! async fn get_membership(
//!     #[claim(partner = "emailAddress")] email: String,
//! ) -> Result<Membership, ClaimsError> {
//!     if email.ends_with("@contoso.com") {
//!         Ok(Membership { loyalty_number: "84362".into(), is_new: false })
//!     } else {
//!         Err(ClaimsError::user("member-not-found").arg("email", email))
//!     }
//! }
//!
//! // The function stays callable, and its descriptor is public data.
//! assert_eq!(get_membership::SPEC.technical_profile, "REST-GetMembership");
//! assert_eq!(get_membership::SPEC.inputs[0].wire(), "emailAddress");
//! ```
#![warn(missing_docs)]

mod app;
pub mod auth;
#[doc(hidden)]
pub mod callers;
#[cfg(feature = "cli")]
mod cli;
#[doc(hidden)]
pub mod codec;
#[doc(hidden)]
pub mod config;
pub mod descriptor;
pub mod error;
pub mod idempotency;
pub mod l10n;
pub mod observe;
pub mod openapi;
pub mod output;
/// Policy export (the B2C XML), from the `claims-export` crate: see [`claims_export::b2c`].
pub mod policy {
    pub use claims_export::b2c::*;
}
#[doc(hidden)]
pub mod request;
#[doc(hidden)]
pub mod rules;
pub mod startup;
pub mod types;

pub use app::{App, Configurator, ServerLimits, StartupError};
#[doc(hidden)]
pub use app::{Registration, registered};
pub use claims_macros::{ClaimsPayload, OutputClaims, claims_handler};
pub use config::ClaimsConfig;
pub use descriptor::{
    ApiConnectorStep, AuthSpec, Caller, CallerRoute, DataType, EntraEvent, HandlerSpec,
    InputClaimSpec, OutputClaimSpec, PayloadSpec, SendClaimsIn, UserInputType,
};
pub use error::{ClaimsError, ErrorBody, ErrorKind, MessageArg};
#[doc(hidden)]
pub use output::ClaimWriter;
pub use output::{IntoHandlerResult, OutputClaims};
pub use types::{
    ClaimType, ClaimValueError, CorrelationId, Duration, Locale, PhoneNumber, RawClaim,
};
/// The error a `#[validate(custom(function))]` validator returns.
pub use validator::ValidationError;

/// A typed JSON payload (`#[claim(payload)]` parameter), from `#[derive(ClaimsPayload)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a claims payload",
    note = "derive it with #[derive(ClaimsPayload)]"
)]
pub trait ClaimsPayload: Sized {
    /// The payload descriptor.
    const PAYLOAD: PayloadSpec;

    /// Decodes the payload from the request, recording problems (generated code).
    #[doc(hidden)]
    fn decode(call: &request::Call, problems: &mut request::Problems) -> Option<Self>;
}

/// Everything a handler module needs: `use claims_runtime::prelude::*;`.
pub mod prelude {
    pub use crate::{
        App, ClaimType, ClaimsError, ClaimsPayload, CorrelationId, Locale, OutputClaims,
        PhoneNumber, ValidationError, claims_handler,
    };
    pub use actix_web::web::Data;
}

/// Items used by generated code. Not a public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::app::Registration;
    pub use crate::request::{Call, Problems, assert_sync_handler_arg, blocking};
    pub use crate::rules;
    pub use actix_web;
    pub use claims_core::grammar::Segment;
    pub use claims_core::spec::assert_token_claims;
    pub use inventory;
    pub use validator;

    /// Asserts at compile time that a non-claim parameter is an actix extractor.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is neither a claim nor an actix-web extractor",
        label = "not an extractor",
        note = "mark input claims with #[claim(...)]; other parameters must implement actix_web::FromRequest (web::Data<T>, HttpRequest, ...)"
    )]
    pub trait Extractor {}
    impl<T: actix_web::FromRequest> Extractor for T {}

    /// Compile-time check that `T` is an extractor.
    pub const fn assert_extractor<T: Extractor>() {}

    /// The actix route of a generated handler: `handle` gets the request and its body as they
    /// are (an extractor tuple per request costs more than the handler's own glue).
    pub fn route<F, Fut>(handle: F) -> actix_web::Route
    where
        F: Fn(actix_web::HttpRequest, actix_web::web::Payload) -> Fut + Clone + 'static,
        Fut: core::future::Future<Output = actix_web::HttpResponse> + 'static,
    {
        use actix_web::FromRequest as _;
        actix_web::web::route().service(actix_web::dev::fn_service(
            move |sreq: actix_web::dev::ServiceRequest| {
                let (req, mut payload) = sreq.into_parts();
                // actix's `Payload` extractor answers at once: no await for it.
                let state =
                    match actix_web::web::Payload::from_request(&req, &mut payload).into_inner() {
                        Ok(body) => RouteState::Running {
                            fut: handle(req.clone(), body),
                        },
                        Err(e) => RouteState::Refused {
                            resp: Some(actix_web::HttpResponse::from_error(e)),
                        },
                    };
                RouteFuture {
                    req: Some(req),
                    state,
                }
            },
        ))
    }

    pin_project_lite::pin_project! {
        /// A generated route's future: the handler's future and the request to answer. A
        /// struct rather than an `async` block, which held the handler's future twice (a
        /// second copy of its whole size, allocated and moved for every request).
        struct RouteFuture<Fut> {
            req: Option<actix_web::HttpRequest>,
            #[pin]
            state: RouteState<Fut>,
        }
    }

    pin_project_lite::pin_project! {
        #[project = RouteStateProj]
        enum RouteState<Fut> {
            Running { #[pin] fut: Fut },
            /// The body could not be taken (actix's own error answer).
            Refused { resp: Option<actix_web::HttpResponse> },
        }
    }

    impl<Fut> core::future::Future for RouteFuture<Fut>
    where
        Fut: core::future::Future<Output = actix_web::HttpResponse>,
    {
        type Output = Result<actix_web::dev::ServiceResponse, actix_web::Error>;

        fn poll(
            self: core::pin::Pin<&mut Self>,
            cx: &mut core::task::Context<'_>,
        ) -> core::task::Poll<Self::Output> {
            let this = self.project();
            let resp = match this.state.project() {
                RouteStateProj::Running { fut } => core::task::ready!(fut.poll(cx)),
                RouteStateProj::Refused { resp } => resp
                    .take()
                    .expect("a route future is not polled after it answered"),
            };
            let req = this
                .req
                .take()
                .expect("a route future is not polled after it answered");
            core::task::Poll::Ready(Ok(actix_web::dev::ServiceResponse::new(req, resp)))
        }
    }

    /// Extracts a non-claim parameter `T` without naming the `FromRequest` bound in the route
    /// body, so a type that is no extractor is reported once (by [`assert_extractor`]).
    /// Autoref dispatch as for [`ClaimProbe`].
    pub struct ExtractProbe<T>(core::marker::PhantomData<T>);

    impl<T> ExtractProbe<T> {
        /// The probe value.
        pub const NEW: Self = ExtractProbe(core::marker::PhantomData);
    }

    /// The real extraction, chosen when `T: FromRequest`: a failure is answered as actix
    /// answers it (`HttpResponse::from_error`). The body is not offered: the claims read it.
    #[allow(async_fn_in_trait)]
    pub trait ExtractArg<T> {
        /// Extracts `T` from the request.
        async fn extract_arg(
            &self,
            req: &actix_web::HttpRequest,
        ) -> Result<T, actix_web::HttpResponse>;
    }

    impl<T: actix_web::FromRequest> ExtractArg<T> for ExtractProbe<T> {
        async fn extract_arg(
            &self,
            req: &actix_web::HttpRequest,
        ) -> Result<T, actix_web::HttpResponse> {
            T::extract(req)
                .await
                .map_err(|e| actix_web::HttpResponse::from_error(e.into()))
        }
    }

    /// Extraction without an await, chosen when `T`'s extractor answers at once (its future is
    /// actix's `Ready`: `Data`, `HttpRequest`, `Query`, `Path`, `Header`, ...). An await point
    /// that never waits still costs the route's future a state and a nested future per request.
    pub trait ExtractNow<T> {
        /// `T` from the request, or `None` when it must be awaited ([`ExtractArg`]).
        fn extract_now(
            &self,
            req: &actix_web::HttpRequest,
        ) -> Option<Result<T, actix_web::HttpResponse>>;
    }

    impl<T> ExtractNow<T> for ExtractProbe<T>
    where
        T: actix_web::FromRequest<
                Future = actix_utils::future::Ready<
                    Result<T, <T as actix_web::FromRequest>::Error>,
                >,
            >,
    {
        #[inline]
        fn extract_now(
            &self,
            req: &actix_web::HttpRequest,
        ) -> Option<Result<T, actix_web::HttpResponse>> {
            Some(
                T::extract(req)
                    .into_inner()
                    .map_err(|e| actix_web::HttpResponse::from_error(e.into())),
            )
        }
    }

    /// The fallback of [`ExtractNow`]: the extractor's future is awaited.
    pub trait ExtractLater<T> {
        /// Always `None`.
        fn extract_now(
            &self,
            req: &actix_web::HttpRequest,
        ) -> Option<Result<T, actix_web::HttpResponse>>;
    }

    impl<T> ExtractLater<T> for &ExtractProbe<T> {
        #[inline]
        fn extract_now(
            &self,
            _: &actix_web::HttpRequest,
        ) -> Option<Result<T, actix_web::HttpResponse>> {
            None
        }
    }

    /// The fallback for a type that is no extractor. Never runs: [`assert_extractor`] already
    /// fails to compile for such a `T`.
    #[allow(async_fn_in_trait)]
    pub trait ExtractArgUnsupported<T> {
        /// Never called at run time (see the trait docs).
        async fn extract_arg(
            &self,
            req: &actix_web::HttpRequest,
        ) -> Result<T, actix_web::HttpResponse>;
    }

    impl<T> ExtractArgUnsupported<T> for &ExtractProbe<T> {
        async fn extract_arg(
            &self,
            _: &actix_web::HttpRequest,
        ) -> Result<T, actix_web::HttpResponse> {
            Err(actix_web::HttpResponse::InternalServerError().finish())
        }
    }

    /// Decodes input claim `T` without naming the `ClaimType` bound in the route body, so an
    /// unsupported claim type is reported once (at the type, by the descriptor static) instead of
    /// once per use. Autoref dispatch: `(&ClaimProbe::<T>::NEW).decode_claim(..)` picks
    /// [`DecodeClaim`] when `T: ClaimType` and [`DecodeClaimUnsupported`] otherwise.
    pub struct ClaimProbe<T>(core::marker::PhantomData<T>);

    impl<T> ClaimProbe<T> {
        /// The probe value.
        pub const NEW: Self = ClaimProbe(core::marker::PhantomData);
    }

    /// The real decoder, chosen when `T: ClaimType`.
    pub trait DecodeClaim<T> {
        /// Decodes input claim number `index`.
        fn decode_claim(&self, call: &Call, index: usize, problems: &mut Problems) -> Option<T>;
    }

    impl<T: crate::ClaimType> DecodeClaim<T> for ClaimProbe<T> {
        fn decode_claim(&self, call: &Call, index: usize, problems: &mut Problems) -> Option<T> {
            call.claim::<T>(index, problems)
        }
    }

    /// The fallback for a type that is not a claim type. Never runs: the descriptor's
    /// `<T as ClaimType>::DATA_TYPE` already fails to compile for such a `T`.
    pub trait DecodeClaimUnsupported<T> {
        /// Never called at run time (see the trait docs).
        fn decode_claim(&self, call: &Call, index: usize, problems: &mut Problems) -> Option<T>;
    }

    impl<T> DecodeClaimUnsupported<T> for &ClaimProbe<T> {
        fn decode_claim(&self, _: &Call, _: usize, _: &mut Problems) -> Option<T> {
            None
        }
    }
}
