//! Entry kinds and wiring on small hand-written trees.

use stablepick_code::{
    CodeIndex, EntryKind, Limits, TouchedFunction, extract_constructs, findings, practice_findings,
};

#[test]
fn driver_wiring_kinds() {
    let ix = CodeIndex::from_sources([(
        "drivers/net/foo/foo.c",
        r#"
static irqreturn_t foo_irq(int irq, void *d) { foo_rx(d); return IRQ_HANDLED; }
static irqreturn_t foo_thread(int irq, void *d) { return IRQ_HANDLED; }
static int foo_open(struct net_device *dev)
{
	return devm_request_threaded_irq(&pdev->dev, irq, foo_irq, foo_thread, 0, "foo", dev);
}
static int foo_probe(struct pci_dev *pdev, const struct pci_device_id *id) { foo_hw_init(pdev); return 0; }
static const struct net_device_ops foo_netdev_ops = {
	.ndo_open = foo_open,
	.ndo_eth_ioctl = foo_ioctl,
};
static struct pci_driver foo_driver = {
	.name = "foo",
	.probe = foo_probe,
};
static int __init foo_init(void) { return pci_register_driver(&foo_driver); }
module_init(foo_init);
static int __init foo_setup(char *s) { return 1; }
__setup("foo=", foo_setup);
late_initcall(foo_late);
"#,
    )]);
    assert_eq!(ix.entry_kinds("foo_rx"), [EntryKind::Interrupt]);
    assert_eq!(ix.entry_kinds("foo_thread"), [EntryKind::Interrupt]);
    assert_eq!(ix.entry_kinds("foo_open"), [EntryKind::Pointer]);
    assert_eq!(ix.entry_kinds("foo_ioctl"), [EntryKind::Ioctl]);
    assert_eq!(ix.entry_kinds("foo_hw_init"), [EntryKind::Probe]);
    assert_eq!(ix.entry_kinds("foo_init"), [EntryKind::Init]);
    assert_eq!(ix.entry_kinds("foo_setup"), [EntryKind::Init]);
    assert_eq!(ix.entry_kinds("foo_late"), [EntryKind::Init]);
    let w = ix.wiring("foo_probe");
    assert_eq!(w[0].describe(), "pci_driver.probe");
    assert_eq!(w[0].line, 15);
}

#[test]
fn dpdk_forms() {
    let ix = CodeIndex::from_sources([(
        "drivers/net/bar/bar_ethdev.c",
        r#"
static int
bar_dev_configure(struct rte_eth_dev *dev)
{
	return bar_hw_configure(dev->data);
}

static const struct eth_dev_ops bar_eth_dev_ops = {
	.dev_configure = bar_dev_configure,
};

RTE_INIT(bar_init_log)
{
	bar_logtype = rte_log_register("pmd.net.bar");
}

static void
bar_intr(void *param)
{
	bar_link_update(param);
}

static int
bar_start(struct rte_eth_dev *dev)
{
	rte_intr_callback_register(dev->intr_handle, bar_intr, dev);
	return 0;
}
"#,
    )]);
    assert_eq!(ix.definitions("bar_dev_configure")[0].line, 3);
    assert_eq!(ix.entry_kinds("bar_hw_configure"), [EntryKind::Pointer]);
    assert_eq!(ix.entry_kinds("rte_log_register"), [EntryKind::Init]);
    assert_eq!(ix.entry_kinds("bar_link_update"), [EntryKind::Interrupt]);
    assert_eq!(ix.callers("rte_log_register")[0].function, "bar_init_log");
}

#[test]
fn boot_only_code_is_init_and_is_not_expanded() {
    let ix = CodeIndex::from_sources([(
        "init/main.c",
        "void __init start_kernel(void)\n{\n\tsetup_x();\n}\n\
static void __init setup_x(void)\n{\n\tleaf();\n}\n\
SYSCALL_DEFINE0(getx)\n{\n\treturn start_kernel_helper();\n}\n",
    )]);
    let r = ix.reach("leaf", Limits::default());
    assert_eq!(r.kinds, [EntryKind::Init]);
    assert_eq!(
        r.chains[0].functions,
        ["setup_x", "leaf"],
        "stops at the first __init function"
    );
    assert!(ix.definitions("setup_x")[0].is_init);
    assert_eq!(ix.entry_kinds("start_kernel_helper"), [EntryKind::Syscall]);
}

#[test]
fn declarations_and_macros_are_not_calls() {
    let ix = CodeIndex::from_sources([(
        "lib/a.c",
        "#define wrap(x) target(x)\n\
int target(int);\n\
typedef int (*cb_t)(int);\n\
struct ops { int (*target)(int); };\n\
int user(void)\n{\n\tint (*fp)(int) = target;\n\tchar buf[sizeof(int)];\n\treturn wrap(1) + ops.target(2) + p->target(3);\n}\n",
    )]);
    let callers = ix.callers("target");
    assert_eq!(callers.len(), 1, "{callers:?}");
    assert_eq!(callers[0].function, "wrap");
    assert_eq!(ix.callers("wrap")[0].function, "user");
    assert!(ix.callers("int").is_empty());
    assert!(ix.callers("sizeof").is_empty());
    assert!(ix.definitions("wrap")[0].is_macro);
}

#[test]
fn old_powerpc_dot_symbols() {
    let ix = CodeIndex::from_sources([(
        "arch/powerpc/lib/copypage_power7.S",
        "_GLOBAL(copypage_power7)\n\tbl\t.enter_vmx_copy\n\tbeq\t.Lnonvmx_copy\n\tb\t.exit_vmx_copy\t\t/* tail call optimise */\n.Lnonvmx_copy:\n\tblr\n",
    )]);
    assert_eq!(ix.callers("enter_vmx_copy")[0].line, 2);
    assert_eq!(ix.callers("exit_vmx_copy")[0].function, "copypage_power7");
    assert!(ix.callers("Lnonvmx_copy").is_empty());
}

#[test]
fn practice_from_diff_lines() {
    let ix = CodeIndex::from_sources([
        (
            "arch/powerpc/kernel/irq.c",
            "void __no_sanitize_address a(void) { spin_lock(&l); }\n",
        ),
        (
            "arch/powerpc/lib/x.c",
            "static int b(void) { if (!p) return 0; return 1; }\n",
        ),
    ]);
    let added = [
        "static int __no_sanitize_address enter(void)",
        "\tif (!p)",
        "\tspin_lock(&l);",
    ];
    assert_eq!(
        extract_constructs(&added),
        ["__no_sanitize_address", "if (!x)", "spin_lock"]
    );
    let f = practice_findings(
        &ix,
        "v6.1",
        "enter",
        "arch/powerpc/lib/vmx-helper.c",
        &added,
    );
    assert_eq!(f.len(), 3);
    assert!(
        f[0].text
            .contains("0 code lines (comments aside) in arch/powerpc/lib/ and 1 in arch/powerpc/"),
        "{}",
        f[0].text
    );
    assert!(
        f[1].text
            .contains("1 code lines (comments aside) in arch/powerpc/lib/"),
        "{}",
        f[1].text
    );
    assert_eq!(
        f[1].verified_by,
        "git grep -n -E 'if \\(!\\w+\\)' v6.1 -- arch/powerpc/"
    );
}

#[test]
fn a_test_programs_main_in_a_library_file_is_no_entry_point() {
    // util-linux keeps unit-test programs in its library files, under
    // `#ifdef TEST_PROGRAM_xxx`; the `#else` of such a block is library code.
    let ix = CodeIndex::from_sources([
        (
            "lib/fileeq.c",
            "int ul_fileeq(const char *a, const char *b)\n{\n\treturn ul_fileeq_data(a, b);\n}\n\
static int ul_fileeq_data(const char *a, const char *b)\n{\n\treturn 0;\n}\n\
#ifdef TEST_PROGRAM_FILEEQ\n\
int main(int argc, char *argv[])\n{\n\treturn ul_fileeq(argv[1], argv[2]);\n}\n\
#else\n\
int ul_fileeq_only_lib(void)\n{\n\treturn only_lib();\n}\n\
#endif /* TEST_PROGRAM_FILEEQ */\n",
        ),
        (
            "lib/other.c",
            "#if defined(TEST_PROGRAM) && !defined(NOTHING)\n\
int main(void)\n{\n\treturn only_tested();\n}\n\
#endif\n\
#ifndef TESTING\n\
#else\n\
int main(void)\n{\n\treturn only_tested_too();\n}\n\
#endif\n",
        ),
        (
            "misc-utils/hardlink.c",
            "static int compare(const char *a, const char *b)\n{\n\treturn ul_fileeq(a, b);\n}\n\
int main(int argc, char **argv)\n{\n\treturn compare(argv[1], argv[2]);\n}\n",
        ),
    ]);
    let defs = ix.definitions("main");
    assert_eq!(defs.len(), 4, "{defs:?}");
    assert_eq!(ix.entry_kinds("only_tested"), [EntryKind::NoneFound]);
    assert_eq!(ix.entry_kinds("only_tested_too"), [EntryKind::NoneFound]);
    // Code in the `#else` branch is no test code: its callers still count.
    assert_eq!(ix.callers("only_lib")[0].function, "ul_fileeq_only_lib");

    let r = ix.reach("ul_fileeq_data", Limits::default());
    assert_eq!(r.kinds, [EntryKind::Program]);
    assert_eq!(r.chains[0].entry, "main() in misc-utils/hardlink.c");
    assert_eq!(
        r.chains[0].render(),
        "main → compare → ul_fileeq → ul_fileeq_data"
    );

    let f = findings(
        &ix,
        "HEAD",
        &[TouchedFunction::new("ul_fileeq_data", "lib/fileeq.c")],
    );
    let kinds = f.iter().find(|x| x.topic == "entry_kinds").unwrap();
    assert_eq!(kinds.entry_kinds, ["program"]);
    assert!(
        kinds.text.contains("via main() in misc-utils/hardlink.c"),
        "{}",
        kinds.text
    );
    assert!(
        f.iter()
            .filter(|x| x.topic != "callers")
            .all(|x| !x.text.contains("main() in lib/") && !x.verified_by.contains("lib/fileeq.c")),
        "{f:#?}"
    );
    assert_eq!(
        kinds.verified_by,
        "git grep -n -w -e main -e compare HEAD -- misc-utils/hardlink.c && git grep -n -E -e '\\bcompare\\b' -e '\\bul_fileeq\\b' -e '\\bul_fileeq_data\\b' HEAD"
    );
}

/// A library's exported function is an entry point: programs linked
/// against it call it. A name under `local:` or in a test's script is not.
#[test]
fn functions_a_library_exports_are_entry_points() {
    let ix = CodeIndex::from_sources([
        (
            "lib/hash/version.map",
            "DPDK_24 {\n\tglobal:\n\n\trte_hash_create;\n\n\tlocal: *;\n};\n",
        ),
        (
            "lib/hash/rte_hash.c",
            "static int check_params(int n)\n{\n\treturn n;\n}\n\nint rte_hash_create(int n)\n{\n\treturn check_params(n);\n}\n\nint rte_hash_hidden(int n)\n{\n\treturn check_params(n);\n}\n",
        ),
        ("app/test/test.map", "T {\n\tglobal:\n\ttest_only;\n};\n"),
        ("app/test/t.c", "int test_only(void)\n{\n\treturn 0;\n}\n"),
    ]);
    let reach = ix.reach("check_params", Limits::default());
    assert_eq!(reach.kinds, [EntryKind::Api]);
    assert_eq!(reach.chains[0].render(), "rte_hash_create → check_params");
    assert_eq!(reach.chains[0].entry, "exported by lib/hash/version.map");
    assert!(!reach.user_reachable());
    assert_eq!(ix.entry_kinds("rte_hash_hidden"), [EntryKind::NoneFound]);
    assert_eq!(ix.entry_kinds("test_only"), [EntryKind::NoneFound]);
}

/// A library's export list names its own functions only: the daemon's
/// function of the same name as one libnm exports is no entry point.
#[test]
fn an_export_list_names_only_its_own_librarys_functions() {
    let ix = CodeIndex::from_sources([
        (
            "src/libnm-client-impl/libnm.ver",
            "libnm_1_0_0 {\nglobal:\n\tnm_device_reapply;\nlocal:\n\t*;\n};\n",
        ),
        (
            "src/libnm-client-impl/nm-device.c",
            "int nm_device_reapply(int d)\n{\n\treturn client_call(d);\n}\n",
        ),
        (
            "src/core/devices/nm-device.c",
            "static int reapply_ip(int d)\n{\n\treturn d;\n}\n\nint nm_device_reapply(int d)\n{\n\treturn reapply_ip(d);\n}\n",
        ),
    ]);
    assert_eq!(ix.entry_kinds("reapply_ip"), [EntryKind::NoneFound]);
    assert_eq!(ix.entry_kinds("client_call"), [EntryKind::Api]);
}

/// Suricata's unit tests sit in the source files under `#ifdef UNITTESTS`
/// and are registered by pointer: they are no entry point, so the chain to
/// a stream function comes from the packet path, not from a test.
#[test]
fn unit_tests_compiled_in_for_testing_are_no_entry_points() {
    let ix = CodeIndex::from_sources([(
        "src/stream-tcp.c",
        "static int update_ack(int a)\n{\n\treturn a;\n}\n\nstatic int handle(int a)\n{\n\treturn update_ack(a);\n}\n\nstatic struct ops o = { .Func = handle };\n\n#ifdef UNITTESTS\nstatic int StreamTest01(void)\n{\n\treturn update_ack(1);\n}\n\nvoid StreamRegisterTests(void)\n{\n\tUtRegisterTest(\"StreamTest01\", StreamTest01);\n}\n#endif\n",
    )]);
    assert_eq!(ix.entry_kinds("StreamTest01"), [EntryKind::NoneFound]);
    let reach = ix.reach("update_ack", Limits::default());
    assert_eq!(reach.kinds, [EntryKind::Pointer]);
    assert!(
        reach
            .chains
            .iter()
            .all(|c| !c.render().contains("StreamTest01")),
        "{:#?}",
        reach.chains
    );
}

/// FRR's command handlers (`DEFPY`) run when a user types the command; an
/// event loop's handler (`event_add_read`) is wired as a callback.
#[test]
fn command_handlers_and_event_callbacks_are_entry_points() {
    let ix = CodeIndex::from_sources([(
        "bgpd/bgp_vty.c",
        "DEFPY (bgp_ipv6_auto_ra, bgp_ipv6_auto_ra_cmd, \"bgp ipv6-auto-ra\")\n{\n\treturn set_auto_ra(vty);\n}\n\nstatic void bgp_read(struct event *e)\n{\n\tparse_msg(e);\n}\n\nvoid bgp_start(void)\n{\n\tevent_add_read(bm->master, bgp_read, NULL, fd, NULL);\n}\n",
    )]);
    let reach = ix.reach("set_auto_ra", Limits::default());
    assert_eq!(reach.kinds, [EntryKind::Command]);
    assert_eq!(reach.chains[0].render(), "bgp_ipv6_auto_ra → set_auto_ra");
    assert_eq!(ix.entry_kinds("parse_msg"), [EntryKind::Pointer]);
}

/// A change in a program's own `main()`: only that program's main is the
/// one changed, and running the program runs it.
#[test]
fn a_programs_own_main_is_its_entry() {
    let ix = CodeIndex::from_sources([
        (
            "utils/smbcacls.c",
            "int main(int argc, char **argv)\n{\n\treturn run(argc);\n}\n",
        ),
        (
            "ctdb/tool.c",
            "int main(int argc, char **argv)\n{\n\treturn 0;\n}\n",
        ),
        ("tests/t.c", "int main(void)\n{\n\treturn 0;\n}\n"),
    ]);
    let out = findings(
        &ix,
        "HEAD",
        &[TouchedFunction::new("main", "utils/smbcacls.c")],
    );
    let text = |topic: &str| {
        out.iter()
            .find(|f| f.topic == topic)
            .map(|f| f.text.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        text("definition"),
        "main at HEAD: defined at utils/smbcacls.c:1"
    );
    // Its own file's definition, and no "reached only through pointers".
    let definition = out.iter().find(|f| f.topic == "definition").unwrap();
    assert_eq!(
        definition.verified_by,
        "git grep -n -w main HEAD -- utils/smbcacls.c"
    );
    assert_eq!(
        text("callers"),
        "main at HEAD is the entry point of the program in utils/smbcacls.c: nothing calls it"
    );
    let chain = out.iter().find(|f| f.topic == "chain").expect("a chain");
    assert!(
        chain.text.contains("main() in utils/smbcacls.c"),
        "{}",
        chain.text
    );
    assert_eq!(
        chain.verified_by,
        "git grep -n -w main HEAD -- utils/smbcacls.c"
    );
}
