//! Building from a git tree, and the on-disk cache keyed by tree id.

use git2::{Repository, Signature};
use stablepick_code::{CodeIndex, EntryKind, IndexCache, TouchedFunction, phase5, tree_id};

fn commit(repo: &Repository, files: &[(&str, &str)]) -> git2::Oid {
    let workdir = repo.workdir().unwrap().to_path_buf();
    let mut index = repo.index().unwrap();
    for (path, body) in files {
        let full = workdir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, body).unwrap();
        index.add_path(std::path::Path::new(path)).unwrap();
    }
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::now("T", "t@example.org").unwrap();
    let parents: Vec<git2::Commit> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let refs: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, "c", &tree, &refs)
        .unwrap()
}

#[test]
fn index_from_tree_is_cached_by_tree_id() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let c1 = commit(
        &repo,
        &[
            (
                "kernel/reboot.c",
                "SYSCALL_DEFINE1(reboot, int, cmd)\n{\n\tkernel_kexec();\n}\n",
            ),
            (
                "kernel/kexec.c",
                "void kernel_kexec(void)\n{\n\tcopy_page(); // enter_vmx_ops();\n}\n",
            ),
            (
                "arch/powerpc/lib/copypage_power7.S",
                "_GLOBAL(copy_page)\n\tbl enter_vmx_ops\n",
            ),
            (
                "arch/powerpc/lib/vmx-helper.c",
                "int enter_vmx_ops(void)\n{\n\treturn 1;\n}\n",
            ),
            ("Documentation/x.txt", "enter_vmx_ops();\n"),
        ],
    );
    let tree = tree_id(&repo, &c1.to_string()).unwrap();
    let cache = CodeIndex::cache_file(&repo, tree);
    assert!(!cache.exists());
    let ix = CodeIndex::open(&repo, c1).unwrap();
    assert!(cache.exists(), "opening writes the cache");
    assert_eq!(ix.files().len(), 4);
    let callers = ix.callers("enter_vmx_ops");
    assert_eq!(callers.len(), 1);
    assert_eq!(callers[0].file, "arch/powerpc/lib/copypage_power7.S");
    assert_eq!(ix.entry_kinds("enter_vmx_ops"), [EntryKind::Privileged]);

    // A second open reads the cache; a corrupt cache is rebuilt.
    let again = CodeIndex::open(&repo, tree).unwrap();
    assert_eq!(again.callers("enter_vmx_ops"), callers);
    std::fs::write(&cache, b"SPCODE\x00\x01 broken").unwrap();
    let rebuilt = CodeIndex::open(&repo, tree).unwrap();
    assert_eq!(rebuilt.callers("enter_vmx_ops"), callers);
    assert!(std::fs::read(&cache).unwrap().len() > 32, "rewritten");

    // A commit that only touches a non-source file keeps the tree's code the
    // same, but a new tree id gets its own cache entry.
    let c2 = commit(
        &repo,
        &[("kernel/kexec.c", "void kernel_kexec(void)\n{\n}\n")],
    );
    let f = phase5(
        &repo,
        "HEAD",
        c2,
        &[TouchedFunction::named("enter_vmx_ops")],
    )
    .unwrap();
    let entry = f.iter().find(|x| x.topic == "entry_kinds").unwrap();
    assert_eq!(entry.entry_kinds, ["none-found"]);
    assert!(CodeIndex::cache_file(&repo, tree_id(&repo, "HEAD").unwrap()).exists());

    // The in-memory cache hands out one index per tree, by commit or tree id.
    let mem = IndexCache::new();
    let a = mem.get(&repo, c1).unwrap();
    let b = mem.get(&repo, tree).unwrap();
    assert!(std::sync::Arc::ptr_eq(&a, &b));
}

/// A blob the object store lacks (a partial clone) costs its file, not the
/// index: the other files are read, and the missing one is named.
#[test]
fn a_missing_blob_leaves_out_only_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let c = commit(
        &repo,
        &[
            ("lib/a.c", "int a(void)\n{\n\treturn b();\n}\n"),
            ("third_party/big.c", "int big(void)\n{\n\treturn 0;\n}\n"),
        ],
    );
    let tree = repo.find_commit(c).unwrap().tree().unwrap();
    let blob = tree
        .get_path(std::path::Path::new("third_party/big.c"))
        .unwrap()
        .id();
    let hex = blob.to_string();
    std::fs::remove_file(
        dir.path()
            .join(".git/objects")
            .join(&hex[..2])
            .join(&hex[2..]),
    )
    .unwrap();
    let ix = CodeIndex::from_tree(&repo, tree.id()).unwrap();
    assert_eq!(ix.unreadable(), ["third_party/big.c".to_string()]);
    assert_eq!(ix.definitions("a").len(), 1);
    assert!(ix.definitions("big").is_empty());
}
