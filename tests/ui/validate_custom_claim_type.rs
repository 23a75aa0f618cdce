use claims_runtime::prelude::*;
use claims_runtime::{ClaimValueError, DataType};

/// A claim type of the user's own: the macro cannot tell which rules fit it.
struct LoyaltyNumber(String);

impl ClaimType for LoyaltyNumber {
    const DATA_TYPE: DataType = DataType::String;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        Ok(LoyaltyNumber(s.to_owned()))
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        self.0.write_json(out)
    }
}

#[claims_handler]
fn handler(#[claim] #[validate(length(max = 8))] number: LoyaltyNumber) {
    let _ = number;
}

fn main() {}
