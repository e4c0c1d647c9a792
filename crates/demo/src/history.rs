//! The demo history itself: mainline from 6.0-rc7 to 6.7-rc1, and the
//! linux-6.1.y and linux-6.6.y stable branches, in the order it happened.

use std::collections::BTreeMap;

use anyhow::Result;
use git2::{Oid, Repository};

use crate::build::{Branch, Edit, Person, date};
use crate::content;
use crate::writer::{Form, Writer};

/// The nonce that makes `ambig_twin` share its first five hex digits with
/// `ambig_target`. Found by `Writer::commit_colliding`; if the history before
/// it changes, the search runs again (a few seconds) and the test
/// `collision_hint_is_current` prints the new value to paste here.
pub(crate) const COLLISION_HINT: u64 = 424_904;

/// How many leading hex digits `ambig_twin` shares with `ambig_target`.
pub const AMBIGUOUS_DIGITS: usize = 5;

const LINUS: Person = p("Linus Torvalds", "torvalds@linux-foundation.org", -480);
const GREG: Person = p("Greg Kroah-Hartman", "gregkh@linuxfoundation.org", 60);
const SASHA: Person = p("Sasha Levin", "sashal@kernel.org", -300);
const MPE: Person = p("Michael Ellerman", "mpe@ellerman.id.au", 660);
const MADDY: Person = p("Madhavan Srinivasan", "maddy@linux.ibm.com", 330);
const SOURABH: Person = p("Sourabh Jain", "sourabhjain@linux.ibm.com", 330);
const ABOORVA: Person = p("Aboorva Devarajan", "aboorvad@linux.ibm.com", 330);
const RITESH: Person = p("Ritesh Harjani (IBM)", "ritesh.list@gmail.com", 330);
const KUBA: Person = p("Jakub Kicinski", "kuba@kernel.org", -420);
const JOHAN: Person = p("Johan Hovold", "johan@kernel.org", 60);
const CORBET: Person = p("Jonathan Corbet", "corbet@lwn.net", -360);
const THINH: Person = p("Thinh Nguyen", "Thinh.Nguyen@synopsys.com", -420);
const EDUMAZET: Person = p("Eric Dumazet", "edumazet@google.com", 60);
// Authors of the invented patches carry reserved example domains.
const NIKHIL: Person = p("Nikhil Menon", "nikhil.menon@example.com", 330);
const MATEO: Person = p("Mateo Rossi", "mateo.rossi@example.org", 60);
const HANNAH: Person = p("Hannah Becker", "hannah.becker@example.net", 60);
const WEI: Person = p("Wei Zhang", "wei.zhang@example.com", 480);
const SOFIA: Person = p("Sofia Lindqvist", "sofia.lindqvist@example.org", 60);
const ARJUN: Person = p("Arjun Patel", "arjun.patel@example.com", -300);
const OLAMIDE: Person = p("Olamide Adeyemi", "olamide.adeyemi@example.net", 60);
const KENJI: Person = p("Kenji Watanabe", "kenji.watanabe@example.com", 540);
const ROHAN: Person = p("Rohan Kulkarni", "rohan.kulkarni@example.com", 330);

const fn p(name: &'static str, email: &'static str, tz: i32) -> Person {
    Person { name, email, tz }
}

fn r(path: &'static str, old: &'static str, new: &'static str) -> Edit {
    Edit::Replace(path, old, new)
}

/// `subject`, a blank line, the body, a blank line, one trailer a line.
fn msg(subject: &str, body: &str, trailers: &[String]) -> String {
    let mut out = format!("{subject}\n\n{}\n\n", body.trim_end());
    for t in trailers {
        out.push_str(t);
        out.push('\n');
    }
    out
}

fn sob(who: Person) -> String {
    format!("Signed-off-by: {}", who.ident())
}

fn tr(kind: &str, who: Person) -> String {
    format!("{kind}: {}", who.ident())
}

fn s(text: &str) -> String {
    text.to_string()
}

/// What `write` leaves behind besides the refs.
pub(crate) struct Written {
    pub commits: BTreeMap<&'static str, Oid>,
    #[cfg_attr(not(test), allow(dead_code))]
    pub collision_nonce: u64,
}

/// Writes the whole history into `repo`: objects, branches and tags.
pub(crate) fn write(repo: &Repository) -> Result<Written> {
    let mut w = Writer::new(repo, date(2022, 9, 25) + 14 * 3600);
    let mut main = Branch {
        files: content::root_files()
            .into_iter()
            .map(|(p, d)| (p.to_string(), d))
            .collect(),
        head: None,
    };

    // ---- the tree as imported, then 6.0 -----------------------------------
    w.commit(
        &mut main,
        Some("root"),
        LINUS,
        LINUS,
        "Linux 6.0-rc7\n",
        vec![],
    )?;
    w.at(date(2022, 10, 2) + 20 * 3600);
    let v60 = w.release(&mut main, "v6.0", LINUS, (0, 0, ""))?;
    w.tag("v6.0", v60, LINUS, "Linux 6.0\n")?;

    // ---- 6.1 merge window -----------------------------------------------
    w.commit(
        &mut main,
        Some("kasan_kexec"),
        NIKHIL,
        MPE,
        &msg(
            "powerpc/kasan: Disable address sanitization in kexec paths",
            "The kexec code paths involve code that necessarily run in real mode,
as CPUs are disabled and control is transferred to the new kernel.

Disable address sanitization for the kexec code and the functions
called in real mode on CPU shutdown.",
            &[
                sob(NIKHIL),
                sob(MPE),
                s("Link: https://lore.kernel.org/r/20220921015513.2203458-1-nikhil.menon@example.com"),
            ],
        ),
        vec![r(
            "arch/powerpc/kexec/Makefile",
            "UBSAN_SANITIZE_core_$(BITS).o := n\n",
            "UBSAN_SANITIZE_core_$(BITS).o := n
KASAN_SANITIZE_core.o := n
KASAN_SANITIZE_core_$(BITS) := n
",
        )],
    )?;
    w.commit(
        &mut main,
        Some("ambig_target"),
        MATEO,
        KUBA,
        &msg(
            "net_sched: sch_fq: reset flow credit after the refill delay",
            "A flow that was idle for longer than flow_refill_delay keeps the
credit it had accumulated before going idle, which lets it burst more
than one quantum when it comes back.

Reset the credit to one quantum instead.",
            &[
                sob(MATEO),
                tr("Reviewed-by", EDUMAZET),
                s("Link: https://lore.kernel.org/r/20221004101520.88213-1-mateo.rossi@example.org"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "net/sched/sch_fq.c",
            "\t\t\tf->credit = max_t(u32, f->credit, q->quantum);\n",
            "\t\t\tf->credit = q->quantum;\n",
        )],
    )?;
    w.commit(
        &mut main,
        Some("wrong_target"),
        ARJUN,
        KUBA,
        &msg(
            "tcp: take the GSO size into account in tcp_measure_rcv_mss()",
            "With GRO, skb->len is the length of the aggregated packet, not of a
segment. Use the GSO size when there is one so that rcv_mss follows the
real segment size.",
            &[
                sob(ARJUN),
                tr("Reviewed-by", EDUMAZET),
                s("Link: https://lore.kernel.org/r/20221006173012.4410-1-arjun.patel@example.com"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "net/ipv4/tcp_input.c",
            "\tif (len >= icsk->icsk_ack.rcv_mss) {\n",
            "\tif (len >= icsk->icsk_ack.rcv_mss || skb_is_gso(skb)) {\n",
        )],
    )?;
    w.at(date(2022, 10, 16) + 20 * 3600);
    let rc = w.release(&mut main, "v6.1-rc1", LINUS, (1, 0, "-rc1"))?;
    w.tag_lightweight("v6.1-rc1", rc)?;
    w.commit(
        &mut main,
        Some("r8169_rc_fix"),
        SOFIA,
        KUBA,
        &msg(
            "r8169: fix the RX FIFO overflow check on RTL8125",
            "rtl8169_down() clears the bus master bit before the chip has drained
its FIFOs. Wait for the TX and RX FIFOs to be empty first.",
            &[
                sob(SOFIA),
                s("Link: https://lore.kernel.org/r/20221102195544.7731-1-sofia.lindqvist@example.org"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "drivers/net/ethernet/realtek/r8169_main.c",
            "\trtl8169_update_counters(tp);\n\n\tpci_clear_master",
            "\trtl8169_update_counters(tp);\n\trtl_wait_txrx_fifo_empty(tp);\n\n\tpci_clear_master",
        )],
    )?;
    w.at(date(2022, 12, 11) + 21 * 3600);
    let v61 = w.release(&mut main, "v6.1", LINUS, (1, 0, ""))?;
    w.tag("v6.1", v61, LINUS, "Linux 6.1\n")?;
    let mut stable61 = main.clone();
    let net_base = main.clone();
    let mut net = main.clone();

    // ---- 6.2 merge window -----------------------------------------------
    w.commit(
        &mut main,
        Some("vmx_export"),
        ROHAN,
        MPE,
        &msg(
            "powerpc/vmx: Export enter_vmx_usercopy() and exit_vmx_usercopy()",
            "The VMX usercopy helpers are needed by modular code that copies large
buffers to and from user space with Altivec enabled. Export them.",
            &[
                sob(ROHAN),
                sob(MPE),
                s("Link: https://lore.kernel.org/r/20221213062207.115623-1-rohan.kulkarni@example.com"),
            ],
        ),
        vec![
            r(
                "arch/powerpc/lib/vmx-helper.c",
                "\treturn 1;\n}\n\n/*\n * This function must return 0",
                "\treturn 1;\n}\nEXPORT_SYMBOL(enter_vmx_usercopy);\n\n/*\n * This function must return 0",
            ),
            r(
                "arch/powerpc/lib/vmx-helper.c",
                "\t\tset_dec(1);\n\treturn 0;\n}\n",
                "\t\tset_dec(1);\n\treturn 0;\n}\nEXPORT_SYMBOL(exit_vmx_usercopy);\n",
            ),
        ],
    )?;
    w.commit(
        &mut main,
        Some("usb_fix"),
        HANNAH,
        GREG,
        &msg(
            "usb: dwc3: gadget: Fix NULL pointer dereference in dwc3_gadget_suspend()",
            "When the gadget was unbound while the controller was runtime suspended,
dwc->gadget is already gone when dwc3_gadget_suspend() runs on system
suspend, and dwc3_gadget_soft_disconnect() dereferences it:

  Unable to handle kernel NULL pointer dereference at virtual address 0000000000000028
  pc : dwc3_gadget_soft_disconnect+0x2c/0x1b0
  lr : dwc3_gadget_suspend+0x24/0x90

Bail out early in that case.",
            &[
                s("Cc: stable@vger.kernel.org"),
                sob(HANNAH),
                tr("Acked-by", THINH),
                s("Link: https://lore.kernel.org/r/20221214093412.33251-1-hannah.becker@example.net"),
                sob(GREG),
            ],
        ),
        vec![r(
            "drivers/usb/dwc3/gadget.c",
            "\tif (!dwc->gadget_driver)\n\t\treturn 0;\n\n\tret = dwc3_gadget_soft_disconnect(dwc);",
            "\tif (!dwc->gadget_driver || !dwc->gadget)\n\t\treturn 0;\n\n\tret = dwc3_gadget_soft_disconnect(dwc);",
        )],
    )?;
    w.commit(
        &mut main,
        Some("regress_a"),
        WEI,
        JOHAN,
        &msg(
            "USB: serial: option: clear the interface data on release",
            "option_release() frees the private interface data but leaves the
stale pointer in the serial structure, where a late interrupt
callback can still find it.

Clear it before freeing.",
            &[
                s("Cc: stable@vger.kernel.org"),
                sob(WEI),
                sob(JOHAN),
            ],
        ),
        vec![r(
            "drivers/usb/serial/option.c",
            "\tstruct usb_wwan_intf_private *intfdata = usb_get_serial_data(serial);\n\n\tkfree(intfdata);\n",
            "\tstruct usb_wwan_intf_private *intfdata = usb_get_serial_data(serial);\n\n\tusb_set_serial_data(serial, NULL);\n\tkfree(intfdata);\n",
        )],
    )?;
    // A topic branch in the net tree, merged by a pull.
    w.commit(
        &mut net,
        Some("net_refactor"),
        SOFIA,
        KUBA,
        &msg(
            "r8169: use netdev_name() when requesting the interrupt",
            "Use the accessor instead of poking at dev->name directly, like the rest
of the driver does. No functional change.",
            &[
                sob(SOFIA),
                s("Link: https://lore.kernel.org/r/20221215111023.19102-1-sofia.lindqvist@example.org"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "drivers/net/ethernet/realtek/r8169_main.c",
            "irqflags, dev->name, tp);",
            "irqflags, netdev_name(dev), tp);",
        )],
    )?;
    w.merge(
        &mut main,
        &net,
        &net_base,
        "net_merge",
        LINUS,
        "Merge tag 'net-next-6.2' of git://git.kernel.org/pub/scm/linux/kernel/git/netdev/net-next

Pull networking updates from Jakub Kicinski:

 - r8169: use netdev_name() when requesting the interrupt

* tag 'net-next-6.2' of git://git.kernel.org/pub/scm/linux/kernel/git/netdev/net-next:
  r8169: use netdev_name() when requesting the interrupt
",
    )?;
    w.at(date(2022, 12, 25) + 22 * 3600);
    let rc = w.release(&mut main, "v6.2-rc1", LINUS, (2, 0, "-rc1"))?;
    w.tag_lightweight("v6.2-rc1", rc)?;

    // linux-6.1.y: the first point release.
    w.backport(
        &mut stable61,
        "bp61_usb_fix",
        "usb_fix",
        Form::Upstream,
        GREG,
        None,
    )?;
    w.backport(
        &mut stable61,
        "bp61_regress_a",
        "regress_a",
        Form::Autosel,
        SASHA,
        None,
    )?;
    let v611 = w.release(&mut stable61, "v6.1.1", GREG, (1, 1, ""))?;
    w.tag("v6.1.1", v611, GREG, "This is the 6.1.1 stable release\n")?;

    w.at(date(2023, 2, 19) + 21 * 3600);
    let v62 = w.release(&mut main, "v6.2", LINUS, (2, 0, ""))?;
    w.tag("v6.2", v62, LINUS, "Linux 6.2\n")?;

    // ---- 6.3 merge window -----------------------------------------------
    w.commit(
        &mut main,
        Some("prereq"),
        ARJUN,
        KUBA,
        &msg(
            "tcp: add tcp_rcvbuf_grow() helper",
            "Move the receive buffer growth out of tcp_rcv_space_adjust() into a
helper, so the next patch can fix the window clamp in one place.

No functional change intended.",
            &[
                sob(ARJUN),
                tr("Reviewed-by", EDUMAZET),
                s("Link: https://lore.kernel.org/r/20230221093312.18392-1-arjun.patel@example.com"),
                sob(KUBA),
            ],
        ),
        vec![
            r(
                "net/ipv4/tcp_input.c",
                "/*
 * This function should be called every time data is copied to user space.
",
                "static void tcp_rcvbuf_grow(struct sock *sk, int rcvbuf)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (rcvbuf > sk->sk_rcvbuf) {
		WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);

		/* Make the window clamp follow along.  */
		tp->window_clamp = tcp_win_from_space(sk, rcvbuf);
	}
}

/*
 * This function should be called every time data is copied to user space.
",
            ),
            r(
                "net/ipv4/tcp_input.c",
                "\t\tif (rcvbuf > sk->sk_rcvbuf) {
\t\t\tWRITE_ONCE(sk->sk_rcvbuf, rcvbuf);

\t\t\t/* Make the window clamp follow along.  */
\t\t\ttp->window_clamp = tcp_win_from_space(sk, rcvbuf);
\t\t}
",
                "\t\ttcp_rcvbuf_grow(sk, rcvbuf);\n",
            ),
        ],
    )?;
    w.commit(
        &mut main,
        Some("chain_a"),
        MATEO,
        KUBA,
        &msg(
            "net_sched: sch_fq: add a fast path for the first throttled flow",
            "When no flow is throttled yet, there is no need to walk the delayed
rb-tree: link the flow at the root directly.",
            &[
                sob(MATEO),
                s("Link: https://lore.kernel.org/r/20230223154501.27731-1-mateo.rossi@example.org"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "net/sched/sch_fq.c",
            "\tstruct rb_node **p = &q->delayed.rb_node, *parent = NULL;\n\n\twhile (*p) {\n",
            "\tstruct rb_node **p = &q->delayed.rb_node, *parent = NULL;

\t/* Fast path: first throttled flow. */
\tif (!*p) {
\t\trb_link_node(&f->rate_node, NULL, p);
\t\trb_insert_color(&f->rate_node, &q->delayed);
\t\treturn;
\t}

\twhile (*p) {
",
        )],
    )?;
    w.commit(
        &mut main,
        Some("silent_fix"),
        OLAMIDE,
        KUBA,
        &msg(
            "net: fix potential overflow in netdev_get_name()",
            "dev->name is copied with strcpy() into a caller buffer that is only
known to be IFNAMSIZ bytes long. A name changed concurrently through
a path that does not take devnet_rename_sem may not be terminated.

Use strscpy() with the buffer size.",
            &[
                s("Cc: stable@vger.kernel.org"),
                sob(OLAMIDE),
                tr("Reviewed-by", EDUMAZET),
                s("Link: https://lore.kernel.org/r/20230224080312.5502-1-olamide.adeyemi@example.net"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "net/core/dev.c",
            "\tstrcpy(name, dev->name);\n",
            "\tstrscpy(name, dev->name, IFNAMSIZ);\n",
        )],
    )?;
    w.commit(
        &mut main,
        Some("adapted_fix"),
        SOFIA,
        KUBA,
        &msg(
            "r8169: don't enable the interrupt before the PHY is connected",
            "request_irq() enables the interrupt line at once, and a shared
interrupt can fire before r8169_phy_connect() has set tp->phydev,
which rtl8169_interrupt() dereferences on a link change.

Request the interrupt with IRQF_NO_AUTOEN and enable it once the
chip is up.",
            &[
                s("Cc: stable@vger.kernel.org"),
                sob(SOFIA),
                s("Link: https://lore.kernel.org/r/20230227201144.3310-1-sofia.lindqvist@example.org"),
                sob(KUBA),
            ],
        ),
        vec![
            r(
                "drivers/net/ethernet/realtek/r8169_main.c",
                "\tretval = request_irq(tp->irq, rtl8169_interrupt, irqflags, netdev_name(dev), tp);\n",
                "\tretval = request_irq(tp->irq, rtl8169_interrupt, irqflags | IRQF_NO_AUTOEN,\n\t\t\t     netdev_name(dev), tp);\n",
            ),
            r(
                "drivers/net/ethernet/realtek/r8169_main.c",
                "\trtl8169_up(tp);\n",
                "\trtl8169_up(tp);\n\tenable_irq(tp->irq);\n",
            ),
        ],
    )?;
    w.commit(
        &mut main,
        Some("reverted_fix"),
        HANNAH,
        GREG,
        &msg(
            "usb: dwc3: gadget: Don't kick transfers while the start is delayed",
            "When an endpoint has DWC3_EP_DELAY_START set, the controller waits for
the next XferNotReady event before a transfer may be started. Kicking
a transfer from the completion handler in that state makes the
controller report a bus expiry and drop the request.

Only continue when the start is not delayed.",
            &[
                s("Cc: stable@vger.kernel.org"),
                sob(HANNAH),
                tr("Acked-by", THINH),
                s("Link: https://lore.kernel.org/r/20230301120201.10032-1-hannah.becker@example.net"),
                sob(GREG),
            ],
        ),
        vec![r(
            "drivers/usb/dwc3/gadget.c",
            "\telse if (dwc3_gadget_ep_should_continue(dep))\n",
            "\telse if (dwc3_gadget_ep_should_continue(dep) &&\n\t\t !(dep->flags & DWC3_EP_DELAY_START))\n",
        )],
    )?;
    w.at(date(2023, 3, 5) + 22 * 3600);
    let rc = w.release(&mut main, "v6.3-rc1", LINUS, (3, 0, "-rc1"))?;
    w.tag_lightweight("v6.3-rc1", rc)?;

    // linux-6.1.y: the second point release. The r8169 fix needs a hand
    // adaptation: 6.1.y still passes dev->name.
    w.backport(
        &mut stable61,
        "bp61_silent_fix",
        "silent_fix",
        Form::Silent,
        GREG,
        None,
    )?;
    w.backport(
        &mut stable61,
        "bp61_adapted_fix",
        "adapted_fix",
        Form::Silent,
        GREG,
        Some(vec![
            r(
                "drivers/net/ethernet/realtek/r8169_main.c",
                "\tretval = request_irq(tp->irq, rtl8169_interrupt, irqflags, dev->name, tp);\n",
                "\tretval = request_irq(tp->irq, rtl8169_interrupt,\n\t\t\t     irqflags | IRQF_NO_AUTOEN, dev->name, tp);\n",
            ),
            r(
                "drivers/net/ethernet/realtek/r8169_main.c",
                "\trtl8169_up(tp);\n",
                "\trtl8169_up(tp);\n\tenable_irq(tp->irq);\n",
            ),
        ]),
    )?;
    w.backport(
        &mut stable61,
        "bp61_reverted_fix",
        "reverted_fix",
        Form::Upstream,
        GREG,
        None,
    )?;
    let v612 = w.release(&mut stable61, "v6.1.2", GREG, (1, 2, ""))?;
    w.tag("v6.1.2", v612, GREG, "This is the 6.1.2 stable release\n")?;

    w.at(date(2023, 4, 23) + 21 * 3600);
    let v63 = w.release(&mut main, "v6.3", LINUS, (3, 0, ""))?;
    w.tag("v6.3", v63, LINUS, "Linux 6.3\n")?;

    // ---- 6.4 merge window -----------------------------------------------
    let reverted = w.full("reverted_fix")?;
    let reverted_subject = w.subject("reverted_fix")?;
    w.commit(
        &mut main,
        Some("revert"),
        GREG,
        GREG,
        &format!(
            "Revert \"{reverted_subject}\"

This reverts commit {reverted}.

It stops isochronous endpoints from restarting after a missed
interval on several platforms: the XferNotReady event that should
clear DWC3_EP_DELAY_START never comes, and audio gadgets go silent.

Reported-by: {kenji}
Link: https://lore.kernel.org/r/20230426140012.4411-1-kenji.watanabe@example.com
Cc: stable <stable@kernel.org>
{sob}
",
            kenji = KENJI.ident(),
            sob = sob(GREG),
        ),
        vec![r(
            "drivers/usb/dwc3/gadget.c",
            "\telse if (dwc3_gadget_ep_should_continue(dep) &&\n\t\t !(dep->flags & DWC3_EP_DELAY_START))\n",
            "\telse if (dwc3_gadget_ep_should_continue(dep))\n",
        )],
    )?;
    let chain_a = w.short("chain_a")?;
    let chain_a_subject = w.subject("chain_a")?;
    w.commit(
        &mut main,
        Some("chain_b"),
        MATEO,
        KUBA,
        &msg(
            "net_sched: sch_fq: account the first throttled flow",
            "The fast path added for the first throttled flow returns before
throttled_flows and time_next_delayed_flow are updated, so the
watchdog is never armed and the flow stays throttled forever.",
            &[
                format!("Fixes: {chain_a} (\"{chain_a_subject}\")"),
                sob(MATEO),
                tr("Reviewed-by", EDUMAZET),
                s("Link: https://lore.kernel.org/r/20230427081712.30011-1-mateo.rossi@example.org"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "net/sched/sch_fq.c",
            "\t\trb_insert_color(&f->rate_node, &q->delayed);\n\t\treturn;\n",
            "\t\trb_insert_color(&f->rate_node, &q->delayed);
\t\tq->throttled_flows++;
\t\tq->time_next_delayed_flow = f->time_next_packet;
\t\treturn;
",
        )],
    )?;
    let regress_a = w.short("regress_a")?;
    let regress_a_subject = w.subject("regress_a")?;
    w.commit(
        &mut main,
        Some("fix_of_backported"),
        WEI,
        JOHAN,
        &msg(
            "USB: serial: option: fix NULL dereference in option_instat_callback()",
            "Since the interface data is cleared on release, an interrupt URB that
completes during disconnect resubmits itself against a serial device
whose data is already gone, and the next callback dereferences NULL.

Do not resubmit once the interface data has been released.",
            &[
                format!("Fixes: {regress_a} (\"{regress_a_subject}\")"),
                s("Cc: stable@vger.kernel.org"),
                sob(WEI),
                sob(JOHAN),
            ],
        ),
        vec![r(
            "drivers/usb/serial/option.c",
            "\t/* Resubmit urb so we continue receiving IRQ data */\n",
            "\tif (!usb_get_serial_data(port->serial))\n\t\treturn;\n\n\t/* Resubmit urb so we continue receiving IRQ data */\n",
        )],
    )?;
    w.at(date(2023, 5, 7) + 21 * 3600);
    let rc = w.release(&mut main, "v6.4-rc1", LINUS, (4, 0, "-rc1"))?;
    w.tag_lightweight("v6.4-rc1", rc)?;
    w.at(date(2023, 6, 25) + 21 * 3600);
    let v64 = w.release(&mut main, "v6.4", LINUS, (4, 0, ""))?;
    w.tag("v6.4", v64, LINUS, "Linux 6.4\n")?;

    // ---- 6.5 merge window -----------------------------------------------
    let chain_b = w.short("chain_b")?;
    let chain_b_subject = w.subject("chain_b")?;
    w.commit(
        &mut main,
        Some("chain_c"),
        MATEO,
        KUBA,
        &msg(
            "net_sched: sch_fq: mark the first throttled flow as throttled",
            "The first throttled flow is linked in the delayed tree but its next
pointer is not set to &throttled, so fq_flow_is_throttled() is false
for it and fq_dequeue() unlinks it a second time.",
            &[
                format!("Fixes: {chain_b} (\"{chain_b_subject}\")"),
                sob(MATEO),
                tr("Reviewed-by", EDUMAZET),
                s("Link: https://lore.kernel.org/r/20230628093015.11820-1-mateo.rossi@example.org"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "net/sched/sch_fq.c",
            "\t\tq->time_next_delayed_flow = f->time_next_packet;\n\t\treturn;\n",
            "\t\tq->stat_throttled++;
\t\tf->next = &throttled;
\t\tq->time_next_delayed_flow = f->time_next_packet;
\t\treturn;
",
        )],
    )?;
    let prereq = w.full("prereq")?[..7].to_string();
    let prereq_subject = w.subject("prereq")?;
    w.commit(
        &mut main,
        Some("prereq_note"),
        ARJUN,
        KUBA,
        &msg(
            "tcp: clamp the window to the receive buffer when it does not grow",
            "When the receive buffer is already large enough, tcp_rcvbuf_grow()
leaves window_clamp alone even if SO_RCVBUF lowered sk_rcvbuf below
the current clamp, and the peer keeps sending into a window the
socket cannot hold.",
            &[
                format!("Cc: <stable@vger.kernel.org> # 6.1.x: {prereq}: {prereq_subject}"),
                s("Cc: <stable@vger.kernel.org> # 6.1.x"),
                sob(ARJUN),
                tr("Reviewed-by", EDUMAZET),
                s("Link: https://lore.kernel.org/r/20230630112233.8812-1-arjun.patel@example.com"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "net/ipv4/tcp_input.c",
            "\t\ttp->window_clamp = tcp_win_from_space(sk, rcvbuf);\n\t}\n}\n",
            "\t\ttp->window_clamp = tcp_win_from_space(sk, rcvbuf);
\t} else if (tp->window_clamp > tcp_win_from_space(sk, sk->sk_rcvbuf)) {
\t\ttp->window_clamp = tcp_win_from_space(sk, sk->sk_rcvbuf);
\t}
}
",
        )],
    )?;
    let wrong = w.missing_short("wrong_target", 12)?;
    let wrong_subject = w.subject("wrong_target")?;
    w.commit(
        &mut main,
        Some("wrong_fixes"),
        ARJUN,
        KUBA,
        &msg(
            "tcp: do not use the GSO size of a single-segment skb",
            "A GSO skb with one segment has gso_size set to the MSS the sender
would have used, which can be larger than skb->len, inflating rcv_mss
and delaying ACKs.",
            &[
                format!("Fixes: {wrong} (\"{wrong_subject}\")"),
                sob(ARJUN),
                s("Link: https://lore.kernel.org/r/20230703142201.7310-1-arjun.patel@example.com"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "net/ipv4/tcp_input.c",
            "\tlen = skb_shinfo(skb)->gso_size ? : skb->len;\n",
            "\tlen = skb_shinfo(skb)->gso_segs > 1 ? skb_shinfo(skb)->gso_size : skb->len;\n",
        )],
    )?;
    w.commit_colliding(
        &mut main,
        "ambig_twin",
        MATEO,
        KUBA,
        &msg(
            "net_sched: sch_fq: annotate data-races around horizon stats",
            "fq_dump_stats() reads stat_horizon_drops and stat_horizon_caps
without the qdisc lock. Use WRITE_ONCE() on the write side.",
            &[
                sob(MATEO),
                tr("Reviewed-by", EDUMAZET),
                s("Link: https://lore.kernel.org/r/20230704070109.2210-1-mateo.rossi@example.org"),
                sob(KUBA),
            ],
        ),
        vec![
            r(
                "net/sched/sch_fq.c",
                "\t\t\t\t\tq->stat_horizon_drops++;\n",
                "\t\t\t\t\tWRITE_ONCE(q->stat_horizon_drops, q->stat_horizon_drops + 1);\n",
            ),
            r(
                "net/sched/sch_fq.c",
                "\t\t\t\tq->stat_horizon_caps++;\n",
                "\t\t\t\tWRITE_ONCE(q->stat_horizon_caps, q->stat_horizon_caps + 1);\n",
            ),
        ],
        "ambig_target",
        AMBIGUOUS_DIGITS,
        COLLISION_HINT,
    )?;
    let ambig = w.full("ambig_target")?[..AMBIGUOUS_DIGITS].to_string();
    let ambig_subject = w.subject("ambig_target")?;
    w.commit(
        &mut main,
        Some("ambig_fixes"),
        OLAMIDE,
        KUBA,
        &msg(
            "net_sched: sch_fq: do not drop the accumulated flow credit",
            "Resetting the credit of a returning flow to one quantum throws away
a negative credit too, so a flow that overdrew its credit before going
idle gets a fresh quantum and exceeds its fair share.

Go back to keeping the larger of the two.",
            &[
                format!("Fixes: {ambig} (\"{ambig_subject}\")"),
                sob(OLAMIDE),
                s("Link: https://lore.kernel.org/r/20230705091544.3319-1-olamide.adeyemi@example.net"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "net/sched/sch_fq.c",
            "\t\t\tf->credit = q->quantum;\n",
            "\t\t\tf->credit = max_t(u32, f->credit, q->quantum);\n",
        )],
    )?;
    w.commit(
        &mut main,
        Some("noautosel"),
        OLAMIDE,
        KUBA,
        &msg(
            "net: dev: rate limit the unregister_netdevice warning",
            "netdev_wait_allrefs_any() rebroadcasts NETDEV_UNREGISTER every second
while it waits. Back off to at most once every ten seconds, which is
enough for the notifiers and much quieter.",
            &[
                s("Cc: stable+noautosel@kernel.org # changes behaviour users script against"),
                sob(OLAMIDE),
                tr("Reviewed-by", EDUMAZET),
                s("Link: https://lore.kernel.org/r/20230707150312.1202-1-olamide.adeyemi@example.net"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "net/core/dev.c",
            "\t\tif (time_after(jiffies, rebroadcast_time + 1 * HZ)) {\n",
            "\t\tif (time_after(jiffies, rebroadcast_time + 10 * HZ)) {\n",
        )],
    )?;
    w.at(date(2023, 7, 9) + 21 * 3600);
    let rc = w.release(&mut main, "v6.5-rc1", LINUS, (5, 0, "-rc1"))?;
    w.tag_lightweight("v6.5-rc1", rc)?;
    w.at(date(2023, 8, 27) + 21 * 3600);
    let v65 = w.release(&mut main, "v6.5", LINUS, (5, 0, ""))?;
    w.tag("v6.5", v65, LINUS, "Linux 6.5\n")?;

    // ---- 6.6 merge window -----------------------------------------------
    let mut latin1 = msg(
        "USB: serial: option: fix the interrupt URB leak on probe failure",
        "If option_attach() fails after the interrupt URB was allocated by the
wwan core, the URB is never freed. Free the interface data on the
error path so the core releases the port.

The leak was found with kmemleak by Jos\u{e9} Mu\u{f1}oz on a Telit LE910C1.",
        &[
            s("Reported-by: Jos\u{e9} Mu\u{f1}oz <jose.munoz@example.org>"),
            s("Cc: stable@vger.kernel.org"),
            sob(WEI),
            sob(JOHAN),
        ],
    )
    .into_bytes();
    // Re-encode as Latin-1 (one byte per char): the message must not be UTF-8.
    latin1 = String::from_utf8(latin1)?
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    w.commit_bytes(
        &mut main,
        "latin1",
        WEI,
        JOHAN,
        &latin1,
        vec![r(
            "drivers/usb/serial/option.c",
            "\tusb_set_serial_data(serial, data);\n\n\treturn 0;\n",
            "\tusb_set_serial_data(serial, data);\n\n\treturn 0;\n\nerr_free:\n\tkfree(data);\n\treturn -ENODEV;\n",
        )],
    )?;
    w.commit(
        &mut main,
        Some("binary"),
        KENJI,
        CORBET,
        &msg(
            "Documentation: refresh logo.gif",
            "Replace the logo with the current colour scheme.",
            &[sob(KENJI), sob(CORBET)],
        ),
        vec![Edit::Write(
            "Documentation/logo.gif",
            content::LOGO_GIF_V2.to_vec(),
        )],
    )?;
    w.commit(
        &mut main,
        Some("usb_devid"),
        WEI,
        JOHAN,
        &msg(
            "USB: serial: option: add Demo Systems DM5678 modem",
            "Add the Demo Systems DM5678 LTE modem, which exposes the usual option
serial interfaces.

T:  Bus=01 Lev=01 Prnt=01 Port=00 Cnt=01 Dev#=  3 Spd=480  MxCh= 0
D:  Ver= 2.00 Cls=00(>ifc ) Sub=00 Prot=00 MxPS=64 #Cfgs=  1
P:  Vendor=1234 ProdID=5678 Rev= 3.18
S:  Manufacturer=Demo Systems
S:  Product=DM5678",
            &[s("Cc: stable@vger.kernel.org"), sob(WEI), sob(JOHAN)],
        ),
        vec![r(
            "drivers/usb/serial/option.c",
            "\t{ } /* Terminating entry */\n",
            "\t{ USB_DEVICE(0x1234, 0x5678) },\n\t{ } /* Terminating entry */\n",
        )],
    )?;
    w.commit(
        &mut main,
        Some("docs_only"),
        ARJUN,
        CORBET,
        &msg(
            "Documentation: networking: describe the tcp_rmem defaults",
            "tcp_rmem lists min, default and max but only documents min. Describe
the other two.",
            &[sob(ARJUN), sob(CORBET)],
        ),
        vec![r(
            "Documentation/networking/ip-sysctl.rst",
            "\tDefault: 4K\n",
            "\tDefault: 4K

\tdefault: initial size of receive buffer used by TCP sockets.
\tThis value overrides net.core.rmem_default used by other protocols.

\tDefault: 131072 bytes.
",
        )],
    )?;
    w.commit(
        &mut main,
        Some("comment_only"),
        HANNAH,
        GREG,
        &msg(
            "usb: dwc3: gadget: Document why cancelled requests are skipped",
            "Explain in dwc3_gadget_ep_dequeue() why a request found on the
cancelled list is not given back a second time.",
            &[
                sob(HANNAH),
                s("Link: https://lore.kernel.org/r/20230830101512.2201-1-hannah.becker@example.net"),
                sob(GREG),
            ],
        ),
        vec![r(
            "drivers/usb/dwc3/gadget.c",
            "\tlist_for_each_entry(r, &dep->cancelled_list, list) {\n",
            "\t/*
\t * A cancelled request is given back when the End Transfer command
\t * completes; giving it back here would complete it twice.
\t */
\tlist_for_each_entry(r, &dep->cancelled_list, list) {
",
        )],
    )?;
    w.commit(
        &mut main,
        Some("kconfig"),
        SOFIA,
        KUBA,
        &msg(
            "r8169: Kconfig: select MDIO_DEVRES",
            "r8169_phy_connect() uses devm_mdiobus_alloc(), which lives in
mdio_devres. Select it so that builds with PHYLIB=m link.",
            &[
                sob(SOFIA),
                s("Link: https://lore.kernel.org/r/20230901084512.3301-1-sofia.lindqvist@example.org"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "drivers/net/ethernet/realtek/Kconfig",
            "\tselect PHYLIB\n",
            "\tselect PHYLIB\n\tselect MDIO_DEVRES\n",
        )],
    )?;
    w.commit(
        &mut main,
        Some("selftest_only"),
        MATEO,
        KUBA,
        &msg(
            "selftests: net: fq_band_pktlimit: check the second band too",
            "The test only checks that band A drops above the limit. Also check
that band B still accepts packets.",
            &[
                sob(MATEO),
                s("Link: https://lore.kernel.org/r/20230904120001.4410-1-mateo.rossi@example.org"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "tools/testing/selftests/net/fq_band_pktlimit.sh",
            "echo OK\n",
            "./cmsg_sender -6 -p u -d 10000 -P 7 fdaa::2 8000

OUT2=\"$(tc -s qdisc show dev dummy0 | grep '^\\ Sent')\"

if [[ $OUT2 != *\"20 dropped\"* ]]; then
\techo \"Failed to queue packets on band B\"
\texit 1
fi

echo OK
",
        )],
    )?;
    w.commit(
        &mut main,
        Some("new_export"),
        KENJI,
        GREG,
        &msg(
            "USB: core: add usb_device_has_quirk() helper",
            "Drivers test udev->quirks with open-coded bit operations. Add a helper
and export it, so modules can ask without knowing the layout.",
            &[
                sob(KENJI),
                s("Link: https://lore.kernel.org/r/20230905143012.1102-1-kenji.watanabe@example.com"),
                sob(GREG),
            ],
        ),
        vec![
            r(
                "drivers/usb/core/quirks.c",
                "/*\n * Detect any quirks the device has",
                "/**
 * usb_device_has_quirk - check whether a device has a quirk
 * @udev: the device
 * @quirk: one of the USB_QUIRK_* bits
 *
 * Return: true if @udev has @quirk set.
 */
bool usb_device_has_quirk(struct usb_device *udev, u32 quirk)
{
	return udev->quirks & quirk;
}
EXPORT_SYMBOL_GPL(usb_device_has_quirk);

/*
 * Detect any quirks the device has",
            ),
            r(
                "include/linux/usb/quirks.h",
                "void usb_detect_quirks(struct usb_device *udev);\n",
                "void usb_detect_quirks(struct usb_device *udev);\nbool usb_device_has_quirk(struct usb_device *udev, u32 quirk);\n",
            ),
        ],
    )?;
    w.at(date(2023, 9, 10) + 21 * 3600);
    let rc = w.release(&mut main, "v6.6-rc1", LINUS, (6, 0, "-rc1"))?;
    w.tag_lightweight("v6.6-rc1", rc)?;
    w.at(date(2023, 10, 30) + 20 * 3600);
    let v66 = w.release(&mut main, "v6.6", LINUS, (6, 0, ""))?;
    w.tag("v6.6", v66, LINUS, "Linux 6.6\n")?;
    let mut stable66 = main.clone();

    // ---- 6.7 merge window: the seed's series ------------------------------
    w.commit(
        &mut main,
        Some("maintainers_ppc"),
        MPE,
        MPE,
        &msg(
            "MAINTAINERS: powerpc: Add Madhavan Srinivasan as a maintainer",
            "Maddy has been reviewing and testing powerpc patches for a long time
and will help with the merge workload.",
            &[
                tr("Acked-by", MADDY),
                sob(MPE),
                s("Link: https://msgid.link/20231101050312.1106-1-mpe@ellerman.id.au"),
            ],
        ),
        vec![r(
            "MAINTAINERS",
            "LINUX FOR POWERPC (32-BIT AND 64-BIT)\nM:\tMichael Ellerman <mpe@ellerman.id.au>\n",
            "LINUX FOR POWERPC (32-BIT AND 64-BIT)\nM:\tMadhavan Srinivasan <maddy@linux.ibm.com>\nM:\tMichael Ellerman <mpe@ellerman.id.au>\n",
        )],
    )?;
    let kasan = w.short("kasan_kexec")?;
    let kasan_subject = w.subject("kasan_kexec")?;
    w.commit(
        &mut main,
        Some("kdump_fix"),
        SOURABH,
        MADDY,
        &msg(
            "powerpc/kdump: fix KASAN sanitization flag for core_$(BITS).o",
            "KASAN instrumentation is intended to be disabled for the kexec core
code, but the existing Makefile entry misses the object suffix. As a
result, the flag is not applied correctly to core_$(BITS).o.

So when KASAN is enabled, kexec_copy_flush() and copy_segments() in
kexec/core_64.c are instrumented, which can result in accesses to
shadow memory via normal address translation paths. Since these run
with the MMU disabled, such accesses may trigger page faults
(bad_page_fault) that cannot be handled in the kdump path, ultimately
causing a hang and preventing the kdump kernel from booting. The same
is true for kexec as well.

To fix this, add the missing .o suffix to the KASAN_SANITIZE rule so
that it applies to the kexec core object as intended.",
            &[
                format!("Fixes: {kasan} (\"{kasan_subject}\")"),
                s("Cc: stable@vger.kernel.org # 6.1+"),
                tr("Reported-by", ABOORVA),
                tr("Suggested-by", RITESH),
                tr("Reviewed-by", RITESH),
                tr("Tested-by", ABOORVA),
                sob(SOURABH),
                sob(MADDY),
                s("Link: https://patch.msgid.link/20260407124349.1698552-1-sourabhjain@linux.ibm.com"),
            ],
        ),
        vec![r(
            "arch/powerpc/kexec/Makefile",
            "KASAN_SANITIZE_core_$(BITS) := n\n",
            "KASAN_SANITIZE_core_$(BITS).o := n\n",
        )],
    )?;
    w.commit(
        &mut main,
        Some("vmx_fix"),
        SOURABH,
        MADDY,
        &msg(
            "powerpc/vmx: Avoid KASAN instrumentation in enter_vmx_ops() for kexec",
            "The kexec sequence invokes enter_vmx_ops() via copy_page() with the MMU
disabled. In this context, code must not rely on normal virtual address
translations or trigger page faults.

With KASAN enabled, functions get instrumented and may access shadow
memory using regular address translation. When executed with the MMU
off, this can lead to page faults (bad_page_fault) from which the
kernel cannot recover in the kexec path, resulting in a hang.

The kexec path sets preempt_count to HARDIRQ_OFFSET before entering
the MMU-off copy sequence.

current_thread_info()->preempt_count = HARDIRQ_OFFSET
  kexec_sequence(..., copy_with_mmu_off = 1)
    -> kexec_copy_flush(image)
         copy_segments()
           -> copy_page(dest, addr)
                 bl enter_vmx_ops()
                   if (in_interrupt())
                     return 0
                 beq .Lnonvmx_copy

Since kexec sets preempt_count to HARDIRQ_OFFSET, in_interrupt()
evaluates to true and enter_vmx_ops() returns early.

As in_interrupt() (and preempt_count()) are always inlined, mark
enter_vmx_ops() with __no_sanitize_address to avoid KASAN
instrumentation and shadow memory access with MMU disabled, helping
kexec boot fine with KASAN enabled.",
            &[
                tr("Reported-by", ABOORVA),
                tr("Reviewed-by", ABOORVA),
                tr("Tested-by", ABOORVA),
                tr("Reviewed-by", RITESH),
                sob(SOURABH),
                sob(MADDY),
                s("Link: https://patch.msgid.link/20260407124349.1698552-2-sourabhjain@linux.ibm.com"),
            ],
        ),
        vec![r(
            "arch/powerpc/lib/vmx-helper.c",
            "int enter_vmx_ops(void)\n",
            "/*
 * Can be called from kexec copy_page() path with MMU off. The kexec
 * code sets preempt_count to HARDIRQ_OFFSET so we return early here.
 * Since in_interrupt() is always inline, __no_sanitize_address on this
 * function is sufficient to avoid KASAN shadow memory accesses in real
 * mode.
 */
int __no_sanitize_address enter_vmx_ops(void)
",
        )],
    )?;
    w.commit(
        &mut main,
        Some("autosel_fix"),
        SOFIA,
        KUBA,
        &msg(
            "r8169: fix the MTU change race with the reset task",
            "rtl8169_change_mtu() reconfigures the jumbo settings while the reset
task may be running. Take the task lock around the reconfiguration.",
            &[
                sob(SOFIA),
                s("Link: https://lore.kernel.org/r/20231106213012.7789-1-sofia.lindqvist@example.org"),
                sob(KUBA),
            ],
        ),
        vec![r(
            "drivers/net/ethernet/realtek/r8169_main.c",
            "\tdev->mtu = new_mtu;\n\tnetdev_update_features(dev);\n\trtl_jumbo_config(tp);\n",
            "\tdev->mtu = new_mtu;\n\tnetdev_update_features(dev);\n\trtl_lock_work(tp);\n\trtl_jumbo_config(tp);\n\trtl_unlock_work(tp);\n",
        )],
    )?;
    w.at(date(2023, 11, 12) + 22 * 3600);
    let rc = w.release(&mut main, "v6.7-rc1", LINUS, (7, 0, "-rc1"))?;
    w.tag_lightweight("v6.7-rc1", rc)?;

    // ---- after 6.7-rc1 ----------------------------------------------------
    w.commit(
        &mut main,
        Some("cherry_fix"),
        HANNAH,
        GREG,
        &msg(
            "usb: dwc3: gadget: Don't resume a gadget that was never started",
            "dwc3_gadget_resume() soft-connects whenever a gadget driver is bound,
even if the gadget was stopped before suspend, which makes the host
enumerate a gadget the user disconnected.",
            &[
                s("Cc: stable@vger.kernel.org"),
                sob(HANNAH),
                tr("Acked-by", THINH),
                s("Link: https://lore.kernel.org/r/20231114101512.3320-1-hannah.becker@example.net"),
                sob(GREG),
            ],
        ),
        vec![r(
            "drivers/usb/dwc3/gadget.c",
            "\tif (!dwc->gadget_driver || !dwc->softconnect)\n",
            "\tif (!dwc->gadget_driver || !dwc->softconnect || !dwc->connected)\n",
        )],
    )?;

    // linux-6.6.y: the first point release.
    w.backport(
        &mut stable66,
        "bp66_autosel_fix",
        "autosel_fix",
        Form::Autosel,
        SASHA,
        None,
    )?;
    w.backport(
        &mut stable66,
        "bp66_cherry_fix",
        "cherry_fix",
        Form::CherryPick,
        GREG,
        None,
    )?;
    let v661 = w.release(&mut stable66, "v6.6.1", GREG, (6, 1, ""))?;
    w.tag("v6.6.1", v661, GREG, "This is the 6.6.1 stable release\n")?;

    w.branch("master", &main)?;
    w.branch("linux-6.1.y", &stable61)?;
    w.branch("linux-6.6.y", &stable66)?;
    Ok(Written {
        collision_nonce: w.collision_nonce,
        commits: w.commits,
    })
}
