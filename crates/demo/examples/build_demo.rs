//! Builds the demo repository in the directory given as the first argument.
fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "demo-repo".into());
    let demo = stablepick_demo::build(std::path::Path::new(&dir))?;
    for (name, id) in &demo.commits {
        println!("{id} {name}");
    }
    Ok(())
}
