"""Stage 3: spaCy's dependency parse turns a compound sentence into atomic clauses
(coordinated and contrasting clauses, non-restrictive relative clauses and participles)."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from claims.extraction.atoms import CLOSE_QUOTES, OPEN_QUOTES, AtomicClaim, inside_quotation, tidy

_VERBS = {"VERB", "AUX"}


SUBJECTS = {"nsubj", "nsubjpass", "expl", "csubj"}


_CONTRAST_MARKERS = {"while", "whereas", "although", "though"}


_RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}


# "the planet, named X," identifies rather than states a fact of its own.
_NAMING_VERBS = {"name", "call", "dub", "nickname", "title", "know", "label"}


_CLAUSE_PUNCTUATION = {",", "(", ")", "\u2014", "\u2013", ";", ":"}


def _has_content(head: Token) -> bool:
    return any(child.dep_ not in {"cc", "punct", "aux", "auxpass", "neg"} for child in head.children)


def _comma_before(token: Token) -> bool:
    first = token.left_edge
    return first.i > 0 and token.doc[first.i - 1].text in {",", "—", "\u2013", "("}


def clause_heads(doc: Doc) -> list[Token]:
    """Heads of the clauses that become claims of their own, main clauses first."""
    heads: list[Token] = []
    for token in doc:
        if token.dep_ == "ROOT":
            heads.append(token)
        elif inside_quotation(token):
            continue
        elif token.dep_ == "conj" and token.pos_ in _VERBS and token.head.pos_ in _VERBS:
            if _has_content(token):
                heads.append(token)
        elif token.dep_ == "relcl" and token.pos_ in _VERBS and _comma_before(token):
            if token.head.pos_ in {"NOUN", "PROPN", "PRON", "NUM"}:
                heads.append(token)
        elif token.dep_ == "acl" and token.tag_ == "VBN" and _comma_before(token) and _has_content(token):
            if token.lemma_.lower() not in _NAMING_VERBS:
                heads.append(token)
        elif token.dep_ == "advcl" and _contrast(token):
            heads.append(token)
    return heads


def _contrast(token: Token) -> bool:
    markers = {child.lower_ for child in token.children if child.dep_ == "mark"}
    has_subject = any(child.dep_ in SUBJECTS for child in token.children)
    return bool(markers & _CONTRAST_MARKERS) and has_subject


def split_sentence(doc: Doc) -> list[AtomicClaim]:
    """Atomic claims, each a whole clause: a split that would leave a piece without a subject or a
    finite verb ("Who pushes …", "Promising to …", "That the two had agreed …") is not made, and
    the piece stays inside the larger claim."""
    heads = clause_heads(doc)
    while True:
        claims = _claims_for(heads)
        fragments = {
            head.i for head, claim in claims if head.dep_ != "ROOT" and not _whole_clause(claim, head)
        }
        if not fragments:
            return [claim for _, claim in claims]
        heads = [head for head in heads if head.i not in fragments]


_FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
_RELATIVE_WORDS = {"who", "which", "whom", "whose", "that", "where", "when"}


def _whole_clause(claim: AtomicClaim, head: Token) -> bool:
    """A subject and a finite verb, and no subordinating word left at the front."""
    words = [
        token for token in claim.tokens if claim.replacements.get(token.i, token.text) and not token.is_punct
    ]
    if not words:
        return False
    first = words[0]
    if first.i not in claim.replacements and (first.lower_ in _RELATIVE_WORDS or first.dep_ == "mark"):
        return False
    finite = any(
        token.tag_ in _FINITE_TAGS or claim.replacements.get(token.i, "").startswith(("was ", "were "))
        for token in claim.tokens
    )
    subject = head.dep_ in {"relcl", "acl"} or any(
        token.dep_ in SUBJECTS and token.lower_ not in _RELATIVE_WORDS for token in claim.tokens
    )
    return finite and subject


def _claims_for(heads: list[Token]) -> list[tuple[Token, AtomicClaim]]:
    head_set = {head.i for head in heads}
    claims = []
    for head in heads:
        own = _own_tokens(head, head_set)
        if not any(not token.is_punct for token in own):
            continue
        shared = _shared_tokens(head, own)
        tokens = sorted(set(shared) | set(own), key=lambda token: token.i)
        if head.dep_ in {"relcl", "acl"}:
            tokens = _relative_clause_tokens(head, own)
        claim = AtomicClaim(tokens=tokens, own=own, past_tense=_past_tense(head))
        _set_quote(claim, head, own)
        if head.dep_ == "relcl":
            _rewrite_relative_pronoun(claim, head)
        elif head.dep_ == "acl":
            claim.replacements[head.i] = ("were " if _plural(head.head) else "was ") + head.text
        claims.append((head, claim))
    return claims


def _own_tokens(head: Token, head_set: set[int]) -> list[Token]:
    """The head's subtree without the other claims nested in it and the words that joined them."""
    removed: set[int] = set()
    for token in head.subtree:
        if token.i != head.i and token.i in head_set:
            removed.update(t.i for t in token.subtree)
            removed.update(sibling.i for sibling in token.head.children if sibling.dep_ in {"cc", "preconj"})
            removed.update(_joining_punctuation(token))
    own = [token for token in head.subtree if token.i not in removed]
    if head.dep_ == "conj":
        own = [token for token in own if not (token.dep_ in {"cc", "punct"} and token.head == head)]
    if head.dep_ == "advcl":
        own = [token for token in own if not (token.dep_ == "mark" and token.head == head)]
    return _trim(own)


def _joining_punctuation(clause: Token) -> list[int]:
    """The comma before a removed clause (and the one closing a parenthetical)."""
    doc = clause.doc
    left, right = clause.left_edge.i, clause.right_edge.i
    found = [left - 1] if left > 0 and doc[left - 1].is_punct and doc[left - 1].text != "”" else []
    if right + 1 < len(doc) and doc[right + 1].text in {",", "—", "\u2013", ")"} and clause.dep_ != "conj":
        found.append(right + 1)
    return found


def _trim(tokens: list[Token]) -> list[Token]:
    keep_closing = set(CLOSE_QUOTES) | {")", "%"}
    while tokens and ((tokens[0].is_punct and tokens[0].text not in OPEN_QUOTES) or tokens[0].dep_ == "cc"):
        tokens = tokens[1:]
    while tokens and (
        (tokens[-1].is_punct and tokens[-1].text not in keep_closing) or tokens[-1].dep_ == "cc"
    ):
        tokens = tokens[:-1]
    return tokens


def _shared_tokens(head: Token, own: list[Token]) -> list[Token]:
    """Words a coordinated clause borrows from the clause it hangs on: subject, auxiliary, frame."""
    if head.dep_ != "conj" or any(child.dep_ in SUBJECTS for child in head.children):
        return []
    anchor = head
    while anchor.dep_ == "conj" and anchor.head.pos_ in _VERBS:
        anchor = anchor.head
    # A finite verb joined to an infinitive ("wanted him to defect and organized …") is the
    # parser attaching too low: it shares the governing clause's subject, not the infinitive's frame.
    while anchor.dep_ in {"xcomp", "ccomp"} and anchor.tag_ == "VB" and head.tag_ in {"VBD", "VBZ", "VBP"}:
        anchor = anchor.head
    # "said the figures were disappointing but blamed strikes": a lexical verb is not coordinated
    # with a reported copula but with the reporting verb.
    if anchor.dep_ == "ccomp" and anchor.lemma_ == "be" and head.pos_ == "VERB" and head.tag_ == "VBD":
        anchor = anchor.head
    shared: list[Token] = []
    for child in anchor.children:
        if child.dep_ in SUBJECTS:
            shared += [token for token in child.subtree if not inside_clause(token, child)]
        elif (
            child.dep_ in {"aux", "auxpass", "neg"}
            and child.i < anchor.i
            and not any(own_child.dep_ in {"aux", "auxpass"} for own_child in head.children)
        ):
            shared.append(child)
    if anchor.dep_ in {"ccomp", "xcomp"} and anchor.head.pos_ in _VERBS:
        frame = anchor.head
        for child in frame.children:
            if child.dep_ in SUBJECTS:
                shared += [token for token in child.subtree if not inside_clause(token, child)]
        shared.append(frame)
        shared += [child for child in anchor.children if child.dep_ == "mark"]
    return shared


def inside_clause(token: Token, root: Token) -> bool:
    """Whether the token belongs to a relative clause or apposition under root (left out of copies)."""
    node = token
    while node.i != root.i:
        if node.dep_ in {"relcl", "acl", "appos"} or node.text in _CLAUSE_PUNCTUATION:
            return True
        node = node.head
    return False


def _relative_clause_tokens(head: Token, own: list[Token]) -> list[Token]:
    antecedent = [
        token
        for token in head.head.subtree
        if not _under(token, head) and not inside_clause(token, head.head)
    ]
    antecedent = [token for token in antecedent if token.i < head.left_edge.i or token.i == head.head.i]
    return _trim(antecedent) + own


def _under(token: Token, ancestor: Token) -> bool:
    return token.i == ancestor.i or ancestor in token.ancestors


def _rewrite_relative_pronoun(claim: AtomicClaim, head: Token) -> None:
    """ "the mayor, who took office" → "the mayor took office"; "whose son" → "the mayor's son"."""
    pronoun = next(
        (t for t in head.subtree if t.lower_ in _RELATIVE_PRONOUNS | {"whose", "where", "when"}), None
    )
    if pronoun is None:
        return
    antecedent = [t for t in claim.tokens if t.i < head.left_edge.i]
    antecedent_text = tidy("".join(t.text_with_ws for t in antecedent)).rstrip(".")
    if pronoun.lower_ == "whose":
        claim.tokens = [t for t in claim.tokens if t not in antecedent]
        claim.replacements[pronoun.i] = possessive(antecedent_text)
    elif pronoun.lower_ in {"where", "when"}:
        claim.tokens = [t for t in claim.tokens if t not in antecedent]
        noun = head.head
        # "in 1998, when …" → "In 1998, …": reuse the preposition the antecedent came with.
        preposition = noun.head.text if noun.dep_ == "pobj" else "in" if pronoun.lower_ == "where" else "at"
        claim.replacements[pronoun.i] = f"{preposition.capitalize()} {_lower_first(antecedent_text)},"
    elif pronoun.dep_ in SUBJECTS:
        claim.tokens = [t for t in claim.tokens if t.i != pronoun.i]
    elif pronoun.dep_ == "pobj":  # "a camp, from which she escaped" → "from a camp she escaped"
        claim.tokens = [t for t in claim.tokens if t not in antecedent]
        claim.replacements[pronoun.i] = _lower_first(antecedent_text)
    else:  # "the report, which she published" → "she published the report"
        claim.tokens = [t for t in claim.tokens if t not in antecedent and t.i != pronoun.i]
        verb = pronoun.head if pronoun.head.pos_ in _VERBS else head
        claim.replacements[verb.i] = verb.text + " " + _lower_first(antecedent_text)


def possessive(name: str) -> str:
    return name + ("\u2019" if name.endswith("s") else "\u2019s")


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return (
        text[0].lower() + text[1:]
        if first.lower()
        in {"the", "a", "an", "this", "that", "her", "his", "their", "its", "our", "my", "your"}
        else text
    )


def _plural(token: Token) -> bool:
    return token.tag_ in {"NNS", "NNPS"}


def _past_tense(head: Token) -> bool:
    auxiliaries = {child.lower_ for child in head.children if child.dep_ in {"aux", "auxpass"}}
    if auxiliaries & {"will", "would", "shall", "'ll", "may", "might", "could", "can", "should"}:
        return False
    if auxiliaries & {"was", "were", "had", "did", "has", "have", "been"}:
        return True
    # "is scheduled", "are expected": a present passive, not a past event
    return head.tag_ == "VBD" or (head.tag_ == "VBN" and not auxiliaries & {"is", "are", "am", "be", "'s"})


def _set_quote(claim: AtomicClaim, head: Token, own: list[Token]) -> None:
    span_tokens = own
    if head.dep_ in {"relcl", "acl"}:
        span_tokens = [t for t in claim.tokens if t.i < head.i and t.i not in claim.replacements] + own
    first = min(span_tokens, key=lambda t: t.i)
    last = max(span_tokens, key=lambda t: t.i)
    claim.quote_start = first.idx
    claim.quote_end = last.idx + len(last.text)
