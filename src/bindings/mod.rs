//! The binding layer: the only code that knows JavaScript. It converts types and errors and
//! holds no retry rules; those live in [`crate::engine`].

#[cfg(feature = "overload")]
mod adaptive;
#[cfg(feature = "overload")]
mod batch;
#[cfg(feature = "overload")]
mod breaker;
#[cfg(feature = "overload")]
mod budget;
mod errors;
#[cfg(feature = "infra")]
mod export;
#[cfg(feature = "overload")]
mod hedge;
mod http;
mod lists;
#[cfg(any(feature = "infra", feature = "overload"))]
mod objects;
mod policy;
mod run;
#[cfg(feature = "overload")]
mod slots;

#[cfg(test)]
mod tests;
