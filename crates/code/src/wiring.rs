//! Tables that say how a function pointer becomes reachable: which
//! initialiser members, registration calls and file-scope macros wire a
//! function to an entry point, and of which kind.

use serde::{Deserialize, Serialize};

/// The kinds of entry point a function can be reached from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// A system call any user may make.
    Syscall,
    /// An ioctl (or a file operation reached through one).
    Ioctl,
    /// A system call that needs privilege: reboot, kexec, module loading.
    Privileged,
    /// Boot-only (`__init`) code, initcalls, `module_init`, constructors.
    Init,
    /// Driver probe/remove paths.
    Probe,
    /// Interrupt handlers.
    Interrupt,
    /// Wired into an ops structure or callback of unknown kind.
    Pointer,
    /// A program's `main()` (outside tests and examples): the code runs
    /// when the program does.
    Program,
    /// A function a library exports (a version script or symbol list
    /// names it): any program linked against the library may call it.
    Api,
    /// A command-line handler (FRR's `DEFUN`/`DEFPY`): a user typing the
    /// command runs it.
    Command,
    /// No entry point was found within the search bounds.
    NoneFound,
}

impl EntryKind {
    /// The name used in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Syscall => "syscall",
            EntryKind::Ioctl => "ioctl",
            EntryKind::Privileged => "privileged",
            EntryKind::Init => "init",
            EntryKind::Probe => "probe",
            EntryKind::Interrupt => "interrupt",
            EntryKind::Pointer => "pointer",
            EntryKind::Program => "program",
            EntryKind::Api => "api",
            EntryKind::Command => "command",
            EntryKind::NoneFound => "none-found",
        }
    }

    /// True for kinds an unprivileged user can trigger.
    pub fn user_reachable(self) -> bool {
        matches!(self, EntryKind::Syscall | EntryKind::Ioctl)
    }
}

/// System calls that need privilege (CAP_SYS_BOOT, CAP_SYS_MODULE, ...).
pub const PRIVILEGED_SYSCALLS: &[&str] = &[
    "reboot",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "swapon",
    "swapoff",
    "mount",
    "umount",
    "pivot_root",
    "chroot",
    "settimeofday",
    "clock_settime",
    "sethostname",
    "setdomainname",
    "acct",
    "quotactl",
    "iopl",
    "ioperm",
];

/// Calls that run the function they are given before they return
/// (`pthread_once (&once, init)`, glibc's `__libc_once`, `qsort`'s
/// comparator): the argument positions (0-based) that carry it. The
/// function calling them calls that one, as far as reaching it goes.
pub fn synchronous_callback_args(name: &str) -> Option<&'static [usize]> {
    Some(match name {
        "pthread_once" | "__libc_once" | "call_once" => &[1],
        "qsort" | "qsort_r" => &[3],
        "bsearch" => &[4],
        _ => return None,
    })
}

/// Calls and file-scope macros that take a function as an argument: the
/// argument positions (0-based) that carry one.
pub fn registration_args(name: &str) -> Option<&'static [usize]> {
    Some(match name {
        "request_irq" | "request_percpu_irq" | "request_any_context_irq" | "request_nmi" => &[1],
        "request_threaded_irq" => &[1, 2],
        "devm_request_irq" | "devm_request_any_context_irq" => &[2],
        "devm_request_threaded_irq" => &[2, 3],
        "rte_intr_callback_register" => &[1],
        "INIT_WORK" | "INIT_DELAYED_WORK" | "timer_setup" | "tasklet_init" | "tasklet_setup"
        | "call_rcu" | "signal" | "rte_eal_alarm_set" => &[1],
        "kthread_run"
        | "kthread_create"
        | "rte_eal_remote_launch"
        | "rte_eal_mp_remote_launch"
        | "atexit" => &[0],
        "pthread_create"
        | "rte_thread_create"
        | "rte_thread_create_control"
        | "rte_thread_create_internal_control" => &[2],
        "rte_ctrl_thread_create" => &[3],
        // libsystemd's event loop and bus: the callback after the source.
        "sd_event_add_defer" | "sd_event_add_post" | "sd_event_add_exit" => &[2],
        "sd_event_add_signal" | "sd_bus_add_match" => &[3],
        "sd_event_add_io" | "sd_event_add_child" | "sd_event_add_inotify" => &[4],
        "sd_event_add_time" | "sd_event_add_time_relative" => &[5],
        "proc_cmdline_parse" | "on_exit" => &[0],
        "pthread_atfork" => &[0, 1, 2],
        "pthread_key_create" => &[1],
        // FRR's event loop: the handler after the loop.
        "event_add_event"
        | "event_add_read"
        | "event_add_write"
        | "event_add_timer"
        | "event_add_timer_msec"
        | "event_add_timer_tv"
        | "thread_add_event"
        | "thread_add_read"
        | "thread_add_write"
        | "thread_add_timer"
        | "thread_add_timer_msec" => &[1],
        // FRR's VRF callbacks: create, enable, disable, destroy.
        "vrf_init" => &[0, 1, 2, 3],
        // systemd's programs: `DEFINE_MAIN_FUNCTION(run)` defines main().
        "DEFINE_MAIN_FUNCTION" | "DEFINE_MAIN_FUNCTION_WITH_POSITIVE_FAILURE" => &[0],
        "__setup" | "early_param" => &[1],
        _ if is_initcall_macro(name) => &[0],
        _ => return None,
    })
}

fn is_initcall_macro(name: &str) -> bool {
    matches!(
        name,
        "module_init" | "module_exit" | "__exitcall" | "console_initcall"
    ) || (name.ends_with("initcall") || name.ends_with("initcall_sync"))
}

/// Macros that define a command-line handler (FRR's `DEFUN`, `DEFPY`,
/// `DEFPY_YANG`, `DEFUN_NOSH`, …).
pub fn is_cli_definer(name: &str) -> bool {
    name.starts_with("DEFUN") || name.starts_with("DEFPY")
}

/// The kind of a registration call or macro (`how` is its name).
pub fn classify_registration(how: &str) -> EntryKind {
    match how {
        "request_irq"
        | "request_percpu_irq"
        | "request_any_context_irq"
        | "request_nmi"
        | "request_threaded_irq"
        | "devm_request_irq"
        | "devm_request_any_context_irq"
        | "devm_request_threaded_irq"
        | "rte_intr_callback_register" => EntryKind::Interrupt,
        "__setup" | "early_param" => EntryKind::Init,
        "DEFINE_MAIN_FUNCTION" | "DEFINE_MAIN_FUNCTION_WITH_POSITIVE_FAILURE" => EntryKind::Program,
        crate::symbols::EXPORTED => EntryKind::Api,
        // A command-line handler: the user types the command.
        _ if is_cli_definer(how) => EntryKind::Command,
        _ if is_initcall_macro(how) => EntryKind::Init,
        _ => EntryKind::Pointer,
    }
}

/// Struct types whose members are reached through file-descriptor system calls.
const FILE_OPS: &[&str] = &["file_operations", "proc_ops", "seq_operations"];

/// The kind of an initialiser member `.member = fn` in a `struct context`
/// (context may be empty when unknown).
pub fn classify_member(member: &str, context: &str) -> EntryKind {
    match member {
        "unlocked_ioctl" | "compat_ioctl" | "ioctl" | "proc_ioctl" | "proc_compat_ioctl"
        | "ndo_do_ioctl" | "ndo_eth_ioctl" | "ndo_siocdevprivate" | "ndo_siocbond"
        | "ndo_siocwandev" => EntryKind::Ioctl,
        "probe" | "probe_new" | "remove" | "remove_new" | "shutdown" | "disconnect" => {
            EntryKind::Probe
        }
        _ if FILE_OPS.contains(&context) => EntryKind::Syscall,
        _ => EntryKind::Pointer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_registrations_classify() {
        assert_eq!(classify_member("unlocked_ioctl", ""), EntryKind::Ioctl);
        assert_eq!(
            classify_member("read", "file_operations"),
            EntryKind::Syscall
        );
        assert_eq!(classify_member("read", "regmap_bus"), EntryKind::Pointer);
        assert_eq!(classify_member("probe", "pci_driver"), EntryKind::Probe);
        assert_eq!(
            classify_registration("devm_request_irq"),
            EntryKind::Interrupt
        );
        assert_eq!(classify_registration("late_initcall"), EntryKind::Init);
        assert_eq!(
            registration_args("request_threaded_irq"),
            Some(&[1usize, 2][..])
        );
        assert_eq!(registration_args("printk"), None);
    }
}
