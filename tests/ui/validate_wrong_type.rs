use claims_runtime::prelude::*;

fn positive(v: &i32) -> Result<(), ValidationError> {
    let _ = v;
    Ok(())
}

#[claims_handler]
fn handler(
    #[claim] #[validate(length(min = 3), custom(function = positive))] age: i32,
    #[claim] #[validate(email)] subscribed: bool,
    #[claim] #[validate(range(min = 1, max = 9), url)] name: String,
    #[claim] #[validate(regex(path = *digits), length(max = 3))] tags: Vec<String>,
    #[claim] #[validate(contains(pattern = "x"))] count: Option<i64>,
) {
    let _ = (age, subscribed, name, tags, count);
}

fn digits(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit())
}

fn main() {}
