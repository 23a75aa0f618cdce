use claims_runtime::prelude::*;

struct Service;

impl Service {
    #[claims_handler]
    fn handler(&self, #[claim] email: String) {
        let _ = email;
    }
}

fn main() {}
