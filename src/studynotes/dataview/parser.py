"""A recursive-descent parser for queries: ``parse_query(text) -> Query``.

Grammar, in brief (keywords in any case)::

    query   := (LIST [expr] | TABLE [WITHOUT ID] [column ("," column)*] | TASK) step*
    column  := expr [AS (word | string)]
    step    := FROM source | WHERE expr | SORT expr [ASC|DESC] ("," expr [ASC|DESC])*
             | GROUP BY expr [AS word] | FLATTEN expr [AS word] | LIMIT number
    source  := and (OR and)* ; and := not (AND not)* ; not := ("-" | "!") not | atom
    atom    := #tag | "folder" | [[link]] | outgoing([[link]]) | "(" source ")"
    expr    := or, and, comparison, + -, * / %, unary - !, postfix .field [index] (args)
"""

from __future__ import annotations

from studynotes.dataview.errors import QueryError
from studynotes.dataview.lexer import Tok, tokenize
from studynotes.dataview.syntax import (
    And,
    Binary,
    Call,
    Expr,
    Flatten,
    Folder,
    Get,
    Group,
    Index,
    Limit,
    Linked,
    LinkLit,
    ListLit,
    Lit,
    Name,
    Not,
    Or,
    Query,
    Sort,
    Source,
    Step,
    Tag,
    Unary,
    Where,
)  # fmt: skip

_STEP_WORDS = ("from", "where", "sort", "group", "flatten", "limit")
_COMPARE = ("=", "!=", "<", ">", "<=", ">=")
_MAX_DEPTH = 100


def parse_query(source: str) -> Query:
    """The query in ``source``; a ``QueryError`` saying where it goes wrong otherwise."""
    return _Parser(source).query()


def split_link(inner: str) -> tuple[str, str | None]:
    """``[[target|display]]`` to its target (heading dropped) and display text."""
    body = inner.lstrip("!")[2:-2]
    target, _, display = body.partition("|")
    target = target.split("#", 1)[0].strip()
    return target, (display.strip() or None)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.toks = tokenize(source)
        self.i = 0
        self.depth = 0

    # -- helpers ---------------------------------------------------------------------------

    @property
    def tok(self) -> Tok:
        return self.toks[self.i]

    def next(self) -> Tok:
        tok = self.toks[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def fail(self, message: str, tok: Tok | None = None) -> QueryError:
        tok = tok or self.tok
        found = "the end of the query" if tok.kind == "end" else f"{tok.text!r}"
        return QueryError(f"{message}, found {found}", tok.pos, self.source)

    def op(self, text: str) -> bool:
        if self.tok.kind == "op" and self.tok.text == text:
            self.i += 1
            return True
        return False

    def expect_op(self, text: str) -> None:
        if not self.op(text):
            raise self.fail(f"expected {text!r}")

    def word(self, *words: str) -> bool:
        if self.tok.is_word(*words):
            self.i += 1
            return True
        return False

    def at_step(self) -> bool:
        return self.tok.kind == "end" or self.tok.is_word(*_STEP_WORDS)

    def nest(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail("the query nests too deeply")

    # -- the query -------------------------------------------------------------------------

    def query(self) -> Query:
        tok = self.next()
        if tok.is_word("list"):
            q = Query("list")
            if not self.at_step():
                q.columns.append((self.expr(), ""))
        elif tok.is_word("table"):
            q = Query("table")
            if self.tok.is_word("without"):
                self.next()
                if not self.word("id"):
                    raise self.fail("expected ID after WITHOUT")
                q.without_id = True
            if not self.at_step():
                q.columns.append(self.column())
                while self.op(","):
                    q.columns.append(self.column())
        elif tok.is_word("task"):
            q = Query("task")
        else:
            raise self.fail("a query starts with LIST, TABLE or TASK", tok)
        while self.tok.kind != "end":
            if self.tok.is_word("from"):
                if q.source is not None or q.steps:
                    raise self.fail("FROM comes once, before the other steps")
                self.next()
                q.source = self.source_or()
            else:
                q.steps.append(self.step())
        return q

    def column(self) -> tuple[Expr, str]:
        start = self.tok.pos
        expr = self.expr()
        end = self.tok.pos
        if self.word("as"):
            name = self.next()
            if name.kind not in ("word", "string"):
                raise self.fail("expected a column name after AS", name)
            return expr, name.text
        return expr, self.source[start:end].strip()

    def step(self) -> Step:
        tok = self.next()
        if tok.is_word("where"):
            return Where(self.expr())
        if tok.is_word("sort"):
            keys = [self.sort_key()]
            while self.op(","):
                keys.append(self.sort_key())
            return Sort(tuple(keys))
        if tok.is_word("group"):
            if not self.word("by"):
                raise self.fail("expected BY after GROUP")
            expr, name = self.named()
            return Group(expr, name)
        if tok.is_word("flatten"):
            expr, name = self.named()
            return Flatten(expr, name)
        if tok.is_word("limit"):
            count = self.next()
            if count.kind != "number" or "." in count.text:
                raise self.fail("expected a whole number after LIMIT", count)
            return Limit(int(count.text))
        raise self.fail("expected FROM, WHERE, SORT, GROUP BY, FLATTEN or LIMIT", tok)

    def sort_key(self) -> tuple[Expr, bool]:
        expr = self.expr()
        if self.word("desc", "descending"):
            return expr, True
        self.word("asc", "ascending")
        return expr, False

    def named(self) -> tuple[Expr, str]:
        start = self.tok.pos
        expr = self.expr()
        text = self.source[start : self.tok.pos].strip()
        if self.word("as"):
            name = self.next()
            if name.kind != "word":
                raise self.fail("expected a name after AS", name)
            return expr, name.text
        return expr, text

    # -- sources ---------------------------------------------------------------------------

    def source_or(self) -> Source:
        left = self.source_and()
        while self.word("or"):
            left = Or(left, self.source_and())
        return left

    def source_and(self) -> Source:
        left = self.source_not()
        while self.word("and"):
            left = And(left, self.source_not())
        return left

    def source_not(self) -> Source:
        if self.op("-") or self.op("!"):
            self.nest()
            return Not(self.source_not())
        return self.source_atom()

    def source_atom(self) -> Source:
        tok = self.next()
        if tok.kind == "tag":
            return Tag(tok.text[1:].casefold())
        if tok.kind == "string":
            return Folder(tok.text.strip("/"))
        if tok.kind == "link":
            return Linked(split_link(tok.text)[0], outgoing=False)
        if tok.is_word("outgoing") and self.op("("):
            link = self.next()
            if link.kind != "link":
                raise self.fail("expected a [[link]] inside outgoing(...)", link)
            self.expect_op(")")
            return Linked(split_link(link.text)[0], outgoing=True)
        if tok.kind == "op" and tok.text == "(":
            self.nest()
            inner = self.source_or()
            self.expect_op(")")
            self.depth -= 1
            return inner
        raise self.fail('expected a #tag, a "folder", a [[link]] or outgoing([[link]])', tok)

    # -- expressions -----------------------------------------------------------------------

    def expr(self) -> Expr:
        self.nest()
        left = self.and_expr()
        while self.word("or"):
            left = Binary("or", left, self.and_expr())
        self.depth -= 1
        return left

    def and_expr(self) -> Expr:
        left = self.compare()
        while self.word("and"):
            left = Binary("and", left, self.compare())
        return left

    def compare(self) -> Expr:
        left = self.additive()
        while self.tok.kind == "op" and self.tok.text in _COMPARE:
            op = self.next().text
            left = Binary(op, left, self.additive())
        return left

    def additive(self) -> Expr:
        left = self.term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self.next().text
            left = Binary(op, left, self.term())
        return left

    def term(self) -> Expr:
        left = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "%"):
            op = self.next().text
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Expr:
        if self.tok.kind == "op" and self.tok.text in ("-", "!"):
            op = self.next().text
            self.nest()
            inner = self.unary()
            self.depth -= 1
            return Unary(op, inner)
        return self.postfix()

    def postfix(self) -> Expr:
        expr = self.primary()
        while True:
            if self.op("."):
                name = self.next()
                if name.kind != "word":
                    raise self.fail("expected a field name after '.'", name)
                expr = Get(expr, name.text)
            elif self.op("["):
                index = self.expr()
                self.expect_op("]")
                expr = Index(expr, index)
            else:
                return expr

    def primary(self) -> Expr:
        tok = self.next()
        if tok.kind == "number":
            return Lit(float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "string":
            return Lit(tok.text)
        if tok.kind == "link":
            return LinkLit(*split_link(tok.text))
        if tok.kind == "word":
            low = tok.text.lower()
            if low in ("true", "false"):
                return Lit(low == "true")
            if low == "null":
                return Lit(None)
            if self.tok.kind == "op" and self.tok.text == "(":
                self.next()
                args: list[Expr] = []
                if not self.op(")"):
                    args.append(self.expr())
                    while self.op(","):
                        args.append(self.expr())
                    self.expect_op(")")
                return Call(low, tuple(args), tok.pos)
            return Name(tok.text)
        if tok.kind == "op" and tok.text == "(":
            inner = self.expr()
            self.expect_op(")")
            return inner
        if tok.kind == "op" and tok.text == "[":
            items: list[Expr] = []
            if not self.op("]"):
                items.append(self.expr())
                while self.op(","):
                    items.append(self.expr())
                self.expect_op("]")
            return ListLit(tuple(items))
        raise self.fail("expected a value, a field or a function call", tok)
