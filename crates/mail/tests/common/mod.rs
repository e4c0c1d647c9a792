//! Builders for test mailboxes.
#![allow(dead_code)]

pub const DIFF: &str = "diff --git a/mm/x.c b/mm/x.c\nindex 3b18e51..e69de29 100644\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1,4 +1,4 @@\n int main(void)\n {\n-\treturn 0;\n+\treturn 1;\n }\n";

pub struct M<'a> {
    pub id: &'a str,
    pub from: &'a str,
    pub subject: &'a str,
    pub irt: Option<&'a str>,
    pub date: &'a str,
    pub body: &'a str,
}

impl<'a> M<'a> {
    pub fn new(id: &'a str, from: &'a str, subject: &'a str, body: &'a str) -> Self {
        M {
            id,
            from,
            subject,
            irt: None,
            date: "Mon, 20 Nov 2023 10:00:00 +0000",
            body,
        }
    }
    pub fn reply_to(mut self, irt: &'a str) -> Self {
        self.irt = Some(irt);
        self
    }
    pub fn date(mut self, d: &'a str) -> Self {
        self.date = d;
        self
    }
    pub fn rfc822(&self) -> String {
        let mut s = format!(
            "From: {}\nSubject: {}\nDate: {}\nMessage-ID: <{}>\n",
            self.from, self.subject, self.date, self.id
        );
        if let Some(p) = self.irt {
            s.push_str(&format!("In-Reply-To: <{p}>\nReferences: <{p}>\n"));
        }
        s.push('\n');
        s.push_str(self.body);
        s
    }
}

/// mboxrd text of the messages.
pub fn mbox(msgs: &[M]) -> String {
    let mut out = String::new();
    for m in msgs {
        out.push_str("From mboxrd@z Thu Jan  1 00:00:00 1970\n");
        for line in m.rfc822().lines() {
            let gt = line.bytes().take_while(|&b| b == b'>').count();
            if line[gt..].starts_with("From ") {
                out.push('>');
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

pub fn patch_body(msg: &str, trailers: &str) -> String {
    format!(
        "{msg}\n\n{trailers}\n---\n mm/x.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n{DIFF}-- \n2.42.0\n"
    )
}

pub const ALICE: &str = "Alice Dev <alice@example.org>";
pub const BOB: &str = "Bob Reviewer <bob@example.org>";
pub const CAROL: &str = "Carol Tester <carol@example.org>";

/// A v`rev` series of 3 patches plus cover, ids `s{rev}-{n}@x`.
pub fn series(rev: u32) -> Vec<(String, String, String)> {
    let tag = if rev == 1 {
        String::new()
    } else {
        format!(" v{rev}")
    };
    let mut v = vec![(
        format!("s{rev}-0@x"),
        format!("[PATCH{tag} 0/3] mm: tidy the allocator"),
        format!(
            "This series tidies.\n\nChanges in v{rev}:\n- change number {rev}\n\nAlice Dev (3):\n  mm: a\n"
        ),
    )];
    for n in 1..=3 {
        let fixes = if n == 2 {
            "Fixes: 0123456789ab (\"mm: old\")\n"
        } else {
            ""
        };
        v.push((
            format!("s{rev}-{n}@x"),
            format!("[PATCH{tag} {n}/3] mm: step {n}"),
            patch_body(
                &format!("Step {n} of the tidy-up."),
                &format!("{fixes}Signed-off-by: {ALICE}"),
            )
            .replace("return 1;", &format!("return {n};")),
        ));
    }
    v
}
