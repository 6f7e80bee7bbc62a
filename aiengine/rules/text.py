"""Reduce a reply to the words its author typed: no quoted email, no signature, no HTML."""

from __future__ import annotations

import html
import re
import unicodedata

# Attribution lines that introduce the quoted original, in the languages we handle.
# Gmail wraps long ones over two lines, so callers also test a line joined with the next.
_ATTRIBUTION = re.compile(
    r"^(on|am|le|el|em|il|op|no dia)\b.{0,240}\b((wrote|a ecrit|escribio|escreveu|ha scritto|"
    r"het volgende geschreven)\s*:?|(schrieb|schreef)\b.{0,160}:)\s*$"
)
_ORIGINAL_MESSAGE = re.compile(
    r"^-{2,}\s*(original message|ursprungliche nachricht|message d'origine|mensaje original|"
    r"mensagem original|messaggio originale|forwarded message|weitergeleitete nachricht)\s*-{2,}"
)
_FORWARDED = re.compile(r"^(begin forwarded message|debut du message reexpedie)\s*:")
_OUTLOOK_FROM = re.compile(r"^\*?(from|von|de|da|van)\s*:\*?\s*\S")
_OUTLOOK_SENT = re.compile(
    r"^\*?(sent|date|gesendet|datum|envoye|enviado|enviada|enviado el|fecha|data|inviato|"
    r"verzonden|verstuurd)\s*:"
)
_RULE_LINE = re.compile(r"^_{8,}\s*$")
_SIG_DASHES = re.compile(r"^--\s*$")
_SENT_FROM = re.compile(
    r"^(sent from my|sent from outlook|get outlook for|von meinem .{0,30} gesendet|"
    r"envoye de mon|enviado desde mi|enviado do meu|inviato da|verstuurd vanaf mijn)"
)
# A sign-off on its own line (optionally followed by a first name) ends the typed text.
_SIGN_OFF = re.compile(
    r"^(best( regards| wishes)?|kind regards|warm regards|warmest regards|regards|many thanks|"
    r"thanks( again| so much)?|thank you|cheers|sincerely|yours( sincerely| truly)?|all the best|"
    r"mit freundlichen grussen|freundliche grusse|viele grusse|beste grusse|liebe grusse|gruss|mfg|"
    r"cordialement|bien cordialement|bien a vous|salutations distinguees|"
    r"saludos( cordiales)?|un saludo|atentamente|atenciosamente|cumprimentos|abracos|"
    r"cordiali saluti|distinti saluti|un saluto|saluti|buona giornata|belle journee|"
    r"bonne (journee|continuation)|freundliche grusse( aus \w+)?|un abrazo|"
    r"com os melhores cumprimentos|abraco|met vriendelijke groet(en)?|vriendelijke groet(en)?|"
    r"hartelijke groet(en)?|groet(en|jes)?)[\s,.!-]*([^\W\d_]+)?\s*$"
)
# The first line of a legal footer or a newsletter notice ends the typed text: they talk of
# "unsubscribing" and "deleting data" in every language and mean none of it.
_FOOTER = re.compile(
    r"^(confidentiality notice|disclaimer|this (e-?mail|message) and any attachments|"
    r"please consider the environment|registered in england|"
    r"ce (message|courriel) et (ses|toutes) (les )?pieces jointes|pensez a l'environnement|"
    r"sas au capital|diese e-?mail enthalt vertrauliche|bitte denken sie an die umwelt|"
    r"[\w .]+ gmbh\b.{0,20}sitz|aviso legal|proteccion de datos|antes de imprimir|"
    r"este mensaje y sus (archivos )?adjuntos|le informazioni contenute in questo messaggio|"
    r"questo messaggio e i suoi allegati|ai sensi del|p\. ?iva|prima di stampare|"
    r"aviso de confidencialidade|esta mensagem e os seus anexos|"
    r"para deixar de receber|dit e-?mailbericht is uitsluitend|denk aan het milieu|kvk \d|"
    r"(to unsubscribe|pour ne plus recevoir|um sich abzumelden|para darse de baja|"
    r"per cancellarsi|om (je|u) af te melden) )"
)
_GREETING = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon)|hallo|guten tag|sehr geehrte[rs]?|liebe[rs]?|"
    r"bonjour|bonsoir|cher|chere|hola|estimad[oa]|buenos dias|ola|bom dia|prezad[oa]|caro|cara|"
    r"ciao|buongiorno|gentile|hoi|goedemorgen|goedemiddag|goedendag|beste|buenas tardes|"
    r"boa tarde|salve)\b[^.!?]{0,40}$"
)
_HTML_HINT = re.compile(r"<(html|body|div|p|br|table|blockquote)\b", re.IGNORECASE)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")


def fold(text: str) -> str:
    """Lower-case, accent-free, straight quotes and single spaces, for lexicon matching."""
    text = _ZERO_WIDTH.sub("", text).replace("\u2019", "'").replace("\u2018", "'")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[ \t\xa0]+", " ", stripped)


def html_to_text(body: str) -> str:
    """A crude HTML-to-text for replies that arrive with no plain-text part."""
    if not _HTML_HINT.search(body):
        return body
    body = re.sub(r"(?is)<(blockquote|style|script|head)\b.*?</\1\s*>", "\n", body)
    body = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h\d)\s*>", "\n", body)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def strip_quoted(body: str) -> str:
    """The reply's own text: quoted original, attribution lines and signature removed."""
    lines = html_to_text(body).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        span = _attribution_span(lines, index)
        if span and not _quoted_next(lines, index + span):
            break  # top-posted: everything below is the original
        if span:  # bottom-posted or inline: the ">" lines go, the answers stay
            index += span
            continue
        if _starts_original(lines, index):
            break
        folded = fold(line).strip()
        if _SIG_DASHES.match(line.rstrip()) or (kept and _is_sign_off(folded, kept)):
            break
        if any(x.strip() for x in kept) and _FOOTER.match(folded):
            break
        if not line.lstrip().startswith(">") and not _SENT_FROM.match(folded):
            kept.append(line.rstrip())
        index += 1
    return "\n".join(kept).strip()


def _attribution_span(lines: list[str], index: int) -> int:
    """1 or 2 when an "On ... wrote:" line (Gmail wraps it in two) starts here, else 0."""
    line = fold(lines[index]).strip().strip("*")
    following = fold(lines[index + 1]).strip() if index + 1 < len(lines) else ""
    if not line or _ATTRIBUTION.match(following):
        return 0  # the next line is the attribution on its own
    if _ATTRIBUTION.match(line):
        return 1
    return 2 if _ATTRIBUTION.match(f"{line} {following}") else 0


def _quoted_next(lines: list[str], index: int) -> bool:
    rest = [line for line in lines[index:] if line.strip()]
    return bool(rest) and rest[0].lstrip().startswith(">")


def _starts_original(lines: list[str], index: int) -> bool:
    line = fold(lines[index]).strip().strip("*")
    if _ORIGINAL_MESSAGE.match(line) or _FORWARDED.match(line) or _RULE_LINE.match(line):
        return True
    if _OUTLOOK_FROM.match(line):
        window = lines[index + 1 : index + 5]
        return any(_OUTLOOK_SENT.match(fold(x).strip().strip("*")) for x in window)
    return False


def _is_sign_off(folded: str, kept: list[str]) -> bool:
    # Only once something was said: "Thanks!" under "Hi Ana," may still open the reply.
    said = any(x.strip() and not _GREETING.match(fold(x).strip()) for x in kept)
    return said and bool(_SIGN_OFF.match(folded))
