//! The C function finder on C++ sources: definitions inside namespaces,
//! `extern "C"` blocks, templates and class bodies, with their line spans.

use proptest::prelude::*;
use stablepick_repo::cfunc::{FunctionSpan, enclosing_functions, function_spans};

fn spans(src: &str) -> Vec<(String, usize, usize)> {
    function_spans(src)
        .into_iter()
        .map(|FunctionSpan { name, start, end }| (name, start, end))
        .collect()
}

fn s(name: &str, start: usize, end: usize) -> (String, usize, usize) {
    (name.to_string(), start, end)
}

#[test]
fn functions_inside_a_named_namespace() {
    let src = "\
namespace GameInput {

static const int x = 1;

static int one(int a)
{
    return a;
}

} // namespace GameInput
";
    assert_eq!(spans(src), [s("one", 5, 8)]);
    assert_eq!(enclosing_functions(src, &[7]), ["one"]);
    assert!(enclosing_functions(src, &[3]).is_empty());
}

#[test]
fn functions_inside_an_anonymous_namespace() {
    let src = "\
namespace {
int helper() { return 1; }
int other()
{
    return helper();
}
}
";
    assert_eq!(spans(src), [s("helper", 2, 2), s("other", 3, 6)]);
}

#[test]
fn functions_inside_nested_namespaces() {
    let src = "\
namespace a {
namespace b {
void inner(void)
{
}
} // namespace b
inline namespace v1 {
void versioned() {}
}
void outer_ns(void)
{
}
} // namespace a
namespace c::d /* nested */
{
void joined(void)
{
}
}
";
    assert_eq!(
        spans(src),
        [
            s("inner", 3, 5),
            s("versioned", 8, 8),
            s("outer_ns", 10, 12),
            s("joined", 16, 18)
        ]
    );
}

#[test]
fn functions_inside_extern_c() {
    let src = "\
#ifdef __cplusplus
extern \"C\" {
#endif

static inline int in_header(int x)
{
\treturn x + 1;
}

#ifdef __cplusplus
}
#endif

int after(void)
{
\treturn 0;
}
extern \"C++\" { void cxx() {} }
";
    assert_eq!(
        spans(src),
        [s("in_header", 5, 8), s("after", 14, 17), s("cxx", 18, 18)]
    );
}

#[test]
fn template_functions() {
    let src = "\
namespace GameInput {
template <typename T>
static HRESULT GetModuleProc(
    _In_ HMODULE module,
    _Out_ T* proc) noexcept
{
    *proc = reinterpret_cast<T>(GetProcAddress(module, name));
    return S_OK;
}

template <typename T, int N = sizeof(T)>
T largest(const T (&xs)[N])
{
    return xs[0];
}
}
template <>
int largest<int>(const int (&xs)[1]) { return xs[0]; }
";
    assert_eq!(
        spans(src),
        [
            s("GetModuleProc", 3, 9),
            s("largest", 12, 15),
            s("largest", 18, 18)
        ]
    );
}

#[test]
fn code_after_the_namespace_is_still_scanned() {
    let src = "\
namespace GameInput {
static int created(void)
{
    return 0;
}
} // namespace GameInput

struct s table = {
    .fn = created,
};

STDAPI GameInputInitialize(
    _In_ REFIID riid) noexcept
{
    return GameInput::created();
}

int c_after(void)
{
    return 1;
}
";
    assert_eq!(
        spans(src),
        [
            s("created", 2, 5),
            s("GameInputInitialize", 12, 16),
            s("c_after", 18, 21)
        ]
    );
    assert_eq!(
        enclosing_functions(src, &[4, 15, 20]),
        ["created", "GameInputInitialize", "c_after"]
    );
}

/// `Class::method` outside the class is named `method`, as the finder
/// always did; a destructor keeps its tilde.
#[test]
fn out_of_class_definitions() {
    let src = "\
namespace ns {
int Widget::size() const
{
    return n;
}
Widget::~Widget()
{
}
auto Widget::kind() -> decltype(k)
{
    return k;
}
bool Widget::operator==(const Widget &o) const
{
    return n == o.n;
}
}
";
    assert_eq!(
        spans(src),
        [s("size", 2, 5), s("~Widget", 6, 8), s("kind", 9, 12)]
    );
}

#[test]
fn constructors_with_initialiser_lists() {
    let src = "\
Widget::Widget(int n)
    : Base(n), m_n(n), m_v{1, 2}
{
}
CAudio::CAudio() : iBufDes(NULL, 0) {}
Widget::Widget() noexcept : m_n{0} {
    init();
}
";
    assert_eq!(
        spans(src),
        [s("Widget", 1, 4), s("CAudio", 5, 5), s("Widget", 6, 8)]
    );
}

#[test]
fn member_functions_inside_class_bodies() {
    let src = "\
template <typename T>
class Vector : public Base<T>
{
public:
    ~Vector()
    {
        LocalFree(m_data);
    }

    size_t GetCount() const noexcept
    {
        return m_count;
    }

    T& operator[](size_t index) noexcept
    {
        return m_data[index];
    }

private:
    T* m_data = nullptr;
    struct Inner { int get() { return 1; } } inner;
};

size_t after_class(void)
{
    return 0;
}
";
    assert_eq!(
        spans(src),
        [
            s("~Vector", 5, 8),
            s("GetCount", 10, 13),
            s("get", 22, 22),
            s("after_class", 25, 28)
        ]
    );
}

/// C keeps working: struct bodies, initialisers and attribute macros in
/// type names are not functions, and what follows them still is.
#[test]
fn c_structs_and_initialisers_are_not_functions() {
    let src = "\
struct __rte_aligned(8) qm_fd {
\tunion __rte_aligned(16) {
\t\tint a;
\t};
\tvoid (*cb)(int);
};
static const struct ops ops = {
\t.fn = FOO(1),
};
typedef struct { int x : 3; } bits_t;
struct foo *make_foo(int x)
{
\treturn NULL;
}
enum class colour { red = RED(1), green };
int last(void) { return 0; }
";
    assert_eq!(spans(src), [s("make_foo", 11, 14), s("last", 16, 16)]);
}

proptest! {
    /// No input panics, and every span starts before it ends.
    #[test]
    fn never_panics_on_cpp_shapes(parts in prop::collection::vec(prop::sample::select(vec![
        "namespace", "extern", "\"C\"", "class", "struct", "union", "enum", "template",
        "<", ">", "::", ":", "~", "operator", "noexcept", "decltype", "f", "x", "(", ")",
        "{", "}", ";", "=", ",", "[", "]", "\n", " ", "#if 1\n", "/*", "*/", "//", "'", "\"",
        "\\\n",
    ]), 0..60)) {
        let src: String = parts.concat();
        for sp in function_spans(&src) {
            prop_assert!(sp.start <= sp.end);
        }
        let _ = enclosing_functions(&src, &[1, 2, 3, 10]);
    }
}
