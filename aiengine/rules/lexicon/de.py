"""German phrases, folded (lower case, no accents: "grusse", "zuruck")."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "AUTO_SUBJECT": (r"abwesend|abwesenheitsnotiz|automatische antwort",),
    "UNSUBSCRIBE": (
        r"(bitte )?(austragen|abmelden)",
        r"aus (ihrem|dem|eurem) (verteiler|e-?mail-?verteiler|newsletter)",
        r"keine (weiteren |weitere )?(e-?mails|mails|nachrichten|werbung|zusendungen)",
        r"(horen|hort) sie (bitte )?auf,? (mir|uns) (zu )?(schreiben|mailen)",
        r"(kontaktieren|schreiben|mailen) sie (mich|uns) (bitte )?(nicht mehr|nie wieder)",
        r"(loschen|streichen|entfernen) sie (bitte )?(meine|unsere) (daten|adresse|e-?mail)",
        r"(bitte )?um loschung (meiner|unserer)",
        r"widerspreche der (nutzung|verwendung|verarbeitung)",
        r"nehmen sie (mich|uns) (bitte )?(aus|von)",
        r"(bitte )?aus dem verteiler nehmen",
    ),
    "OUT_OF_OFFICE": (
        r"nicht im (buro|haus)",
        r"(bin|sind) (derzeit |zurzeit |aktuell )?(nicht (im buro|erreichbar)|abwesend|im urlaub)",
        r"abwesenheit",
        r"(befinde mich|bin) (derzeit |zurzeit )?(im urlaub|in (elternzeit|mutterschutz))",
        r"ihre (e-?mail|nachricht) wird nicht weitergeleitet",
        r"wieder (im (buro|haus)|erreichbar)",
    ),
    "AWAY": (r"(ich bin|bin) (diese woche |derzeit )?(auf (schulung|messe|reisen)|unterwegs)",),
    "LEFT_COMPANY": (
        r"nicht mehr (bei|im|fur|in unserem)",
        r"(hat|haben) (unser haus|das hotel|uns|das unternehmen) verlassen",
    ),
    "NOT_INTERESTED": (
        r"kein(en)? (interesse|bedarf)",
        r"nicht interessiert",
        r"nein,? danke",
        r"nichts fur uns",
    ),
    "SOFT_NO": (
        r"wir (arbeiten|haben) (bereits|schon)",
        r"kein budget",
        r"(derzeit|im moment|aktuell|momentan|zurzeit) (nicht|kein|nichts)",
        r"(wir sind|sind) (sehr )?zufrieden",
        r"vertrag (\w+ ){0,5}verlangert",
    ),
    "NEGATED_MEETING": (
        r"(an|fur) (einem|einen) (termin|telefonat|gesprach) (haben wir |fehlt uns )?"
        r"(kein interesse|keine zeit|nicht)",
        r"fur einen termin fehlt",
        r"(ein|einen) (gesprach|termin|telefonat) lohnt sich (\w+ ){0,3}nicht",
        r"budgetsitzung|(vorstands|team|gesellschafter)sitzung",
    ),
    "MEETING": (
        r"termin (vereinbaren|ausmachen|finden|vorschlagen)|(einen|kurzen) (\w+-)?termin|"
        r"terminvorschlag|telefonat|telefonieren",
        r"(rufen sie|ruf) (mich|uns) (\w+ ){0,2}an|(kurz )?(sprechen|austauschen) (wir|konnen)|"
        r"treffen wir",
        r"(zoom|teams|video)-?(call|termin|gesprach)",
        r"(wie ware|passt (ihnen|es|mir)) (\w+ ){0,2}(montag|dienstag|mittwoch|donnerstag|freitag)",
        r"(montag|dienstag|mittwoch|donnerstag|freitag)( \w+)? (um )?\d{1,2}(:\d\d)? uhr passt",
        r"(gern|gerne) (eine |einen |ein )?demo|hatte gern eine demo|wann hatten sie (\w+ )?zeit",
        r"(schicken|senden) sie mir (\w+ )?einladung",
        r"lassen sie uns (telefonieren|sprechen|treffen)",
        r"(teams|zoom)-?link|(hatte|habe) ich \d+ minuten",
    ),
    "DELEGATION": (
        r"wenden sie sich (bitte )?an|(ist|sind) (dafur )?zustandig|zustandig (ist|sind)|"
        r"(mein|meine|meinen|unsere|unser) (kollege|kollegin|kollegen)",
        r"leite (das|dies|es|ihre \w+) (\w+ )?an [^!?\n]{0,80} weiter|leiten sie (das|dies) (bitte )?(an|weiter)",
        r"(ihr|ihre) (ansprechpartner|ansprechpartnerin|nachfolger|nachfolgerin)",
        r"sprechen sie (am besten|bitte) mit|in kopie gesetzt|kummert sich um",
    ),
    "NEEDS_INFO": (
        r"(mehr|weitere) (informationen|infos|details)|unterlagen|was (\w+ )?kostet|"
        r"kostet (das|es)|preis|kosten|gebuhren|wie funktioniert",
        r"(gibt es|haben sie) (eine )?(schnittstelle|referenzen)",
        r"(schriftliches |konkretes )?angebot (schicken|senden|zukommen)",
    ),
    "ASSENT": (r"ja|perfekt|gerne",),
    "INTERESTED": (
        r"klingt (interessant|gut|spannend)|(sind|bin|waren|waere|ware) (sehr |grundsatzlich )?"
        r"interessiert|gerne",
        r"(konnte|durfte) (fur uns )?(spannend|interessant|nutzlich)",
        r"(halten sie mich|bleiben wir) (auf dem laufenden|in kontakt)",
        r"(ich bin|sind) offen dafur",
    ),
}
