//! Behaviour of the macros that is not visible in the descriptor alone.

/// The macro crate keeps its own copy of the B2C claim resolvers (a proc-macro cannot depend on
/// the runtime); it must equal the runtime's list.
#[test]
fn resolver_lists_are_equal() {
    let macros: &[&str] = claims_macros::__resolver_list!();
    assert_eq!(macros, claims_runtime::descriptor::resolvers::FIXED);
}
