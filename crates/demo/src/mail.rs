//! The mailing-list side of the demo: the v2 and v3 postings of the two-patch
//! KASAN/kexec series the demo's `kdump_fix` and `vmx_fix` came from, with the
//! review and test replies, as one mboxrd file.
//!
//! The v3 patch 2/2 has the Message-ID the fix's `Link:` names, so Phase 4
//! finds the thread by the link; replies carry `Reviewed-by:`/`Tested-by:`
//! (collected with b4's semantics), one asks for `Cc: stable`, and v3
//! supersedes v2 with a `Changes in v3:` note.

const LIST: &str = "linuxppc-dev@lists.ozlabs.org";

struct Mail<'a> {
    from: &'a str,
    date: &'a str,
    id: &'a str,
    in_reply_to: Option<&'a str>,
    subject: &'a str,
    body: &'a str,
}

const SOURABH: &str = "Sourabh Jain <sourabhjain@linux.ibm.com>";
const RITESH: &str = "Ritesh Harjani (IBM) <ritesh.list@gmail.com>";
const ABOORVA: &str = "Aboorva Devarajan <aboorvad@linux.ibm.com>";

const V2_1: &str = "20260320101010.100000-1-sourabhjain@linux.ibm.com";
const V2_2: &str = "20260320101010.100000-2-sourabhjain@linux.ibm.com";
const V3_1: &str = "20260407124349.1698552-1-sourabhjain@linux.ibm.com";
/// The Message-ID `vmx_fix`'s `Link:` trailer names.
pub const VMX_FIX_MESSAGE_ID: &str = "20260407124349.1698552-2-sourabhjain@linux.ibm.com";

const KDUMP_BODY: &str = "\
KASAN_SANITIZE_core_$(BITS) := n does not match the object file name, so
core_64.o is still instrumented and the kexec MMU-off path faults.

Fixes: {KASAN} (\"powerpc/kasan: Disable address sanitization in kexec paths\")
Signed-off-by: Sourabh Jain <sourabhjain@linux.ibm.com>
---
 arch/powerpc/kexec/Makefile | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)
";

const VMX_BODY_V2: &str = "\
The kexec sequence invokes enter_vmx_ops() via copy_page() with the MMU
disabled. Mark enter_vmx_ops() and exit_vmx_ops() __no_sanitize_address.

Signed-off-by: Sourabh Jain <sourabhjain@linux.ibm.com>
---
 arch/powerpc/lib/vmx-helper.c | 4 ++--
 1 file changed, 2 insertions(+), 2 deletions(-)
";

const VMX_BODY_V3: &str = "\
The kexec sequence invokes enter_vmx_ops() via copy_page() with the MMU
disabled. In this context, code must not rely on normal virtual address
translations or trigger page faults.

As in_interrupt() (and preempt_count()) are always inlined, mark
enter_vmx_ops() with __no_sanitize_address to avoid KASAN
instrumentation and shadow memory access with MMU disabled.

Signed-off-by: Sourabh Jain <sourabhjain@linux.ibm.com>
---
Changes in v3:
- Dropped the exit_vmx_ops() annotation; only enter_vmx_ops() runs with
  the MMU off.
- Added a comment explaining why the attribute is enough.

 arch/powerpc/lib/vmx-helper.c | 9 ++++++++-
 1 file changed, 8 insertions(+), 1 deletion(-)
";

/// The demo's mailing-list archive as an mboxrd file. `kasan_kexec` is the
/// 12-hex abbreviation of the demo commit the companion's `Fixes:` names.
pub fn series_mbox(kasan_kexec: &str) -> String {
    let kdump = KDUMP_BODY.replace("{KASAN}", kasan_kexec);
    let mails = [
        Mail {
            from: SOURABH,
            date: "Fri, 20 Mar 2026 15:40:10 +0530",
            id: V2_1,
            in_reply_to: None,
            subject: "[PATCH v2 1/2] powerpc/kdump: fix KASAN sanitization flag for core_$(BITS).o",
            body: &kdump,
        },
        Mail {
            from: SOURABH,
            date: "Fri, 20 Mar 2026 15:40:11 +0530",
            id: V2_2,
            in_reply_to: Some(V2_1),
            subject: "[PATCH v2 2/2] powerpc/vmx: Avoid KASAN instrumentation in enter_vmx_ops() for kexec",
            body: VMX_BODY_V2,
        },
        Mail {
            from: ABOORVA,
            date: "Mon, 23 Mar 2026 11:02:00 +0530",
            id: "a1b2c3d4-aboorva-report@linux.ibm.com",
            in_reply_to: Some(V2_2),
            subject: "Re: [PATCH v2 2/2] powerpc/vmx: Avoid KASAN instrumentation in enter_vmx_ops() for kexec",
            body: "\
> The kexec sequence invokes enter_vmx_ops() via copy_page() with the MMU
> disabled.

On pseries PowerVM with KASAN the system reaches \"kexec: Starting
switchover sequence\" and then hangs. With both the patches applied, kexec
completes successfully with KASAN enabled.

Tested-by: Aboorva Devarajan <aboorvad@linux.ibm.com>
",
        },
        Mail {
            from: SOURABH,
            date: "Tue, 07 Apr 2026 18:13:49 +0530",
            id: V3_1,
            in_reply_to: None,
            subject: "[PATCH v3 1/2] powerpc/kdump: fix KASAN sanitization flag for core_$(BITS).o",
            body: &kdump,
        },
        Mail {
            from: SOURABH,
            date: "Tue, 07 Apr 2026 18:13:50 +0530",
            id: VMX_FIX_MESSAGE_ID,
            in_reply_to: Some(V3_1),
            subject: "[PATCH v3 2/2] powerpc/vmx: Avoid KASAN instrumentation in enter_vmx_ops() for kexec",
            body: VMX_BODY_V3,
        },
        Mail {
            from: RITESH,
            date: "Wed, 08 Apr 2026 09:30:00 +0530",
            id: "87ritesh.v3.1@gmail.com",
            in_reply_to: Some(V3_1),
            subject: "Re: [PATCH v3 1/2] powerpc/kdump: fix KASAN sanitization flag for core_$(BITS).o",
            body: "\
> KASAN_SANITIZE_core_$(BITS) := n does not match the object file name

Good catch. This should also go to stable, please add
Cc: stable@vger.kernel.org

Reviewed-by: Ritesh Harjani (IBM) <ritesh.list@gmail.com>
",
        },
        Mail {
            from: RITESH,
            date: "Wed, 08 Apr 2026 09:35:00 +0530",
            id: "87ritesh.v3.2@gmail.com",
            in_reply_to: Some(VMX_FIX_MESSAGE_ID),
            subject: "Re: [PATCH v3 2/2] powerpc/vmx: Avoid KASAN instrumentation in enter_vmx_ops() for kexec",
            body: "\
> +int __no_sanitize_address enter_vmx_ops(void)

LGTM.

Reviewed-by: Ritesh Harjani (IBM) <ritesh.list@gmail.com>
",
        },
        Mail {
            from: ABOORVA,
            date: "Thu, 09 Apr 2026 10:00:00 +0530",
            id: "a1b2c3d4-aboorva-v3@linux.ibm.com",
            in_reply_to: Some(VMX_FIX_MESSAGE_ID),
            subject: "Re: [PATCH v3 2/2] powerpc/vmx: Avoid KASAN instrumentation in enter_vmx_ops() for kexec",
            body: "\
Retested v3 on pseries PowerVM: kexec with KASAN no longer hangs.

Reviewed-by: Aboorva Devarajan <aboorvad@linux.ibm.com>
Tested-by: Aboorva Devarajan <aboorvad@linux.ibm.com>
",
        },
    ];
    let mut out = String::new();
    for m in mails {
        out.push_str("From mboxrd@z Thu Jan  1 00:00:00 1970\n");
        out.push_str(&format!("From: {}\n", m.from));
        out.push_str(&format!("To: {LIST}\n"));
        out.push_str(&format!("Date: {}\n", m.date));
        out.push_str(&format!("Message-ID: <{}>\n", m.id));
        if let Some(r) = m.in_reply_to {
            out.push_str(&format!("In-Reply-To: <{r}>\nReferences: <{r}>\n"));
        }
        out.push_str(&format!("Subject: {}\n", m.subject));
        out.push_str("MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n");
        for line in m.body.lines() {
            // mboxrd: quote every line that looks like a From_ line.
            if line.trim_start_matches('>').starts_with("From ") {
                out.push('>');
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}
