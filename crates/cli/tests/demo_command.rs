//! `stablepick demo`: the README's first command prints a full report with
//! every phase filled from the repository and the imported mail thread.

use std::process::Command;

#[test]
fn demo_prints_a_complete_report() {
    let out = Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .args(["demo", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        j["subject"],
        "powerpc/vmx: Avoid KASAN instrumentation in enter_vmx_ops() for kexec"
    );
    assert_eq!(j["verdict"], "YES");
    let records = j["records"].as_array().unwrap();
    for phase in 1..=9 {
        assert!(
            records.iter().any(|r| r["phase"] == phase),
            "no record in phase {phase}"
        );
    }
    assert!(
        records
            .iter()
            .all(|r| !r["verified_by"].as_str().unwrap().is_empty())
    );
    let text = |p: u64, needle: &str| {
        records
            .iter()
            .any(|r| r["phase"] == p && r["text"].as_str().unwrap().contains(needle))
    };
    assert!(text(4, "patch 2/2 of revision v3"));
    assert!(text(4, "Tested-by: Aboorva Devarajan"));
    assert!(text(5, "sys_reboot → kernel_kexec"));
    assert!(text(7, "LINUX FOR POWERPC"));
    assert!(text(8, "hang"));
    assert_eq!(j["phases_not_analysed"], serde_json::json!([]));

    let md = Command::new(env!("CARGO_BIN_EXE_stablepick"))
        .arg("demo")
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    for heading in [
        "## Phase 1: Commit Message Forensics",
        "## Phase 9: Final Synthesis",
        "## Verification",
        "**YES**",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
    assert!(md.contains("+int __no_sanitize_address enter_vmx_ops(void)"));
}
