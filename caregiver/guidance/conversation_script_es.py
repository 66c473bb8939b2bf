"""The conversation planner's script for a Spanish page, built with Spanish rules.

The caregiver speaks to their loved one as *tú*, as families do. Spanish drops "yo" and puts
feelings in two shapes ("me siento triste", "siento miedo"), so the English rules do not carry
over; these are as forgiving: "miedo", "siento miedo" and "tengo miedo" all make a sentence.
Plain values in, plain text out: no requests, no database.
"""

import re

from caregiver.guidance.script_text import sentence, strip_lead, tidy, trim_end

OPENING = "Me importas mucho, y hay algo de lo que quiero hablar contigo."
ASK = "¿Tú qué piensas?"
SAFETY = "Si alguien está en peligro, voy a llamar al 911."
WHEN_WHERE = "Cuándo y dónde: "
IF_BADLY = "Si las cosas salen mal: "

_YO = r"(?:yo\s+)?"
_LEADS = {
    "noticed": (
        _YO + r"(?:(?:me\s+di|me\s+he\s+dado)\s+cuenta\s+(?:de\s+)?que"
        r"|(?:not[ée]|he\s+notado|vi|he\s+visto|me\s+fij[ée]\s+en)\s+que)"
    ),
    "feel": (
        _YO + r"(?:me\s+(?:siento|sent[íi]|he\s+sentido|estoy\s+sintiendo)"
        r"|siento|estoy|he\s+estado)"
    ),
    "would_like": (
        _YO + r"(?:me\s+gustar[íi]a|me\s+encantar[íi]a|quiero|quisiera|deseo|espero)|ojal[áa]"
    ),
    "if_badly": (
        r"si\s+(?:las\s+cosas\s+|todo\s+|esto\s+)?(?:sale|salen|se\s+pone|se\s+ponen)\s+mal"
    ),
}
# Answers that already speak as "I": they stay as typed ("Tengo miedo", "Te puedo llevar").
_AS_TYPED = {
    "noticed": r"yo\s",
    "feel": r"yo\s|tengo\s|me\s",
    "would_like": r"yo\s",
    "offer": (
        r"yo\s|(?:te\s+|le\s+)?(?:puedo|podr[íi]a|voy\s+a)\s|me\s+ofrezco\s|estoy\s+dispuest"
    ),
}
# Feelings said with "siento" rather than "me siento": "siento miedo", "me siento triste".
_FEELING_NOUNS = {
    "miedo", "temor", "terror", "pánico", "panico", "rabia", "coraje", "enojo", "ira", "culpa",
    "pena", "vergüenza", "verguenza", "angustia", "dolor", "cansancio", "esperanza", "tristeza",
    "soledad", "ansiedad", "impotencia", "alivio", "amor", "cariño", "nervios", "estrés",
    "estres", "celos", "orgullo", "desconfianza", "incertidumbre", "agotamiento",
}  # fmt: skip
_NOUN_ENDINGS = ("ción", "cion", "sión", "sion", "dad", "eza", "ncia")
# Words that only say how much: "muy triste", "mucho miedo".
_AMOUNTS = {
    "muy", "mucho", "mucha", "muchísimo", "muchísima", "tan", "tanto", "tanta", "bastante",
    "algo", "un", "una", "poco", "de", "demasiado", "demasiada", "súper", "super",
}  # fmt: skip
_LINKS = re.compile(r"\b(cuando|porque|por|que|si|como|desde|sobre|de)\b", re.IGNORECASE)
# Words that start a noun phrase: "Me gustaría una charla tranquila".
_NOUN_STARTS = {
    "un", "una", "unos", "unas", "el", "la", "los", "las", "más", "mas", "algo", "mi", "mis",
    "tu", "tus", "nuestro", "nuestra", "nuestros", "nuestras", "otro", "otra", "otros",
    "otras", "todo", "toda", "todos", "todas",
}  # fmt: skip
# "ir", "hablar", "llevarte", "decírselo": a verb as it is named, perhaps with its pronouns.
_INFINITIVE = re.compile(
    r"^[a-záéíóúñ]*(?:ar|er|ir|ár|ér|ír)(?:me|te|se|lo|la|le|nos|los|las|les){0,2}$"
)
_NOT_INFINITIVES = {"ayer", "primer", "mujer", "lugar", "hogar", "par", "mar", "bar", "cualquier"}
# First words that may safely lose their capital letter ("Faltaste…" → "…de que faltaste…").
_COMMON_STARTS = {
    "tú", "tu", "tus", "te", "el", "la", "los", "las", "un", "una", "unos", "unas", "ya",
    "ayer", "hoy", "anoche", "esta", "este", "estos", "estas", "eso", "esto", "cuando",
    "desde", "hace", "en", "a", "al", "con", "no", "siempre", "nunca", "casi", "muchas",
    "varias", "todos", "todas", "últimamente", "ultimamente", "otra", "otro", "dinero",
    "llegas", "sales", "tienes", "estás", "eres", "fuiste", "has", "haces", "dices",
    "vas", "dejas", "pides", "gastas", "se", "me", "nos", "le", "les", "hay", "había",
}  # fmt: skip
_TU_VERB_ENDINGS = ("aste", "iste", "abas")


def _strip_lead(text: str, key: str) -> tuple[str, bool]:
    """The answer without words the sentence adds itself, and whether any were removed."""
    return strip_lead(text, _LEADS[key])


def _first_word(text: str) -> str:
    return re.split(r"[\s,.;:!?]", text, maxsplit=1)[0].casefold()


def _lower_first(text: str, only_common: bool = False) -> str:
    word = re.split(r"[\s,.;:!?]", text, maxsplit=1)[0]
    if not word[:1].isupper() or (word[1:] and not word[1:].islower()):
        return text  # already small, or a short form as typed: "ER", "OK"
    folded = word.casefold()
    if only_common and folded not in _COMMON_STARTS and not folded.endswith(_TU_VERB_ENDINGS):
        return text  # maybe a name: "Papá" or "Sara" keeps its capital
    return text[:1].lower() + text[1:]


def _own_words(answer: str, key: str) -> tuple[str, bool]:
    """The tidied answer without its lead words; True when it already speaks as "I"."""
    text = tidy(answer)
    if key in _LEADS:
        rest, stripped = _strip_lead(text, key)
        if stripped:
            return rest, False
    return text, bool(re.match(rf"(?:{_AS_TYPED[key]})", text, re.IGNORECASE))


def _is_infinitive(word: str) -> bool:
    return word not in _NOT_INFINITIVES and bool(_INFINITIVE.match(word))


def noticed_sentence(answer: str) -> str:
    """'Faltaste a la cena' becomes 'Me di cuenta de que faltaste a la cena.'"""
    rest, as_typed = _own_words(answer, "noticed")
    if not rest or as_typed:
        return sentence(rest) if rest else ""
    return sentence("Me di cuenta de que " + _lower_first(rest, only_common=True))


def feel_sentence(answer: str) -> str:
    """'asustada' becomes 'Me siento asustada cuando eso pasa.'; 'miedo', 'Siento miedo…'."""
    rest, as_typed = _own_words(answer, "feel")
    if not rest or as_typed:
        return sentence(rest) if rest else ""
    rest = trim_end(_lower_first(rest))
    words = [w for w in re.split(r"[\s,]+", rest.casefold()) if w and w not in _AMOUNTS]
    first = words[0] if words else ""
    noun = first in _FEELING_NOUNS or first.endswith(_NOUN_ENDINGS)
    lead = "Siento " if noun else "Me siento "
    if rest.endswith(("!", "?")) or _LINKS.search(rest) or len(rest.split()) > 5:
        return sentence(lead + rest)
    return sentence(f"{lead}{rest} cuando eso pasa")


def would_like_sentence(answer: str) -> str:
    """'que vengas a cenar el domingo' becomes 'Me gustaría que vengas a cenar el domingo.'"""
    rest, as_typed = _own_words(answer, "would_like")
    if not rest or as_typed:
        return sentence(rest) if rest else ""
    rest = _lower_first(rest)
    first = _first_word(rest)
    if first == "que" or first in _NOUN_STARTS or _is_infinitive(first):
        return sentence("Me gustaría " + rest)
    return sentence("Me gustaría que " + rest)


def offer_sentence(answer: str) -> str:
    """'llevarte a la cita' becomes 'Puedo llevarte a la cita.'"""
    rest, as_typed = _own_words(answer, "offer")
    if not rest or as_typed:
        return sentence(rest) if rest else ""
    rest = _lower_first(rest)
    first = _first_word(rest)
    if _is_infinitive(first):
        return sentence("Puedo " + rest)
    if first in _NOUN_STARTS:
        return sentence("Te puedo ofrecer " + rest)
    return sentence(rest)


def build_script(
    noticed: str,
    feel: str,
    would_like: str,
    offer: str = "",
    when_where: str = "",
    if_badly: str = "",
) -> str:
    """The script as plain text, from the planner's answers: short paragraphs in the
    caregiver's own voice, empty answers left out."""
    when_where = tidy(when_where)
    if_badly, _ = _strip_lead(tidy(if_badly), "if_badly")
    paragraphs = [
        sentence(WHEN_WHERE + when_where) if when_where else "",
        OPENING,
        _join(noticed_sentence(noticed), feel_sentence(feel)),
        _join(would_like_sentence(would_like), offer_sentence(offer), ASK),
        _join(sentence(IF_BADLY + if_badly) if if_badly else "", SAFETY),
    ]
    return "\n\n".join(p for p in paragraphs if p)


def _join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)
