"""Dutch phrases, folded (lower case, no accents: "geinteresseerd")."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "AUTO_SUBJECT": (r"automatisch antwoord|afwezig|niet aanwezig|out of office",),
    "UNSUBSCRIBE": (
        r"afmelden|uitschrijven",
        r"(stuur|stuurt|mail) (mij|me|ons) (alstublieft |aub |a\.u\.b\. )?geen (e-?mails?|mails|"
        r"berichten)( meer)?",
        r"geen (e-?mails?|mails|berichten) meer",
        r"stop met (mij|ons) te (mailen|e-?mailen|benaderen)",
        r"(haal|haalt) (mij|me|ons) (alstublieft |aub )?(van|uit)",
        r"(mijn|onze) gegevens (\w+ ){0,3}verwijderen|verwijder (mijn|onze) gegevens",
        r"neem geen contact meer op",
        r"geen (reclame|nieuwsbrieven|mailings) meer|gegevens te wissen",
    ),
    "OUT_OF_OFFICE": (
        r"(ik ben|ben) (afwezig|met (vakantie|verlof|zwangerschapsverlof))",
        r"(weer|terug) op kantoor|afwezigheid",
    ),
    "AWAY": (r"(ik zit|zit) (deze week )?op (cursus|training)|ik ben (deze week )?op reis",),
    "LEFT_COMPANY": (r"(werkt|is) hier niet meer|niet meer (bij ons )?in dienst",),
    "NOT_INTERESTED": (
        r"geen interesse",
        r"niet geinteresseerd",
        r"nee,? (dank (je|u)|bedankt)",
        r"niets voor ons",
        r"nee hoor",
    ),
    "SOFT_NO": (
        r"(wij|we) (werken|hebben) al",
        r"geen budget",
        r"(op dit moment|momenteel|nu even) (niet|geen|niets)",
        r"(we zijn|zijn) tevreden",
        r"contract (\w+ ){0,6}verlengd",
    ),
    "NEGATED_MEETING": (
        r"(aanbod|uitnodiging) voor (een )?(afspraak|gesprek)",
        r"(budget|tijd) (\w+ )?voor afspraken",
        r"(een )?(gesprek|afspraak) lijkt me niet (zinvol|nodig)",
        r"budgetoverleg|(directie|team)overleg",
    ),
    "MEETING": (
        r"(laten we|zullen we) (even )?(bellen|afspreken|een afspraak)|bel (me|mij)|"
        r"afspraak (inplannen|maken)",
        r"(een )?(videogesprek|belafspraak)|(past|kan) (\w+ )?(maandag|dinsdag|woensdag|donderdag|"
        r"vrijdag)|(maandag|dinsdag|woensdag|donderdag|vrijdag) om \d{1,2}",
        r"een demo|wanneer heb je (\w+ )?tijd|stuur me een uitnodiging",
        r"(teams|zoom)-?link|heb ik \d+ minuten",
    ),
    "DELEGATION": (
        r"neem (voortaan |dan )?contact op met|(mijn|onze) (collega|opvolger)|valt onder|"
        r"(haar|zijn) opvolger|in de cc|stuur dit (\w+ )?door|regelt (alle )?leveranciers|"
        r"contact (opnemen )?met onze|(ben|is) hier niet verantwoordelijk",
    ),
    "NEEDS_INFO": (
        r"(meer|extra) (informatie|info|details)|wat kost|kosten|prijs|prijslijst|brochure|"
        r"presentatie|referenties|koppeling met|hoe werkt|offerte",
    ),
    "ASSENT": (r"ja|prima|goed",),
    "INTERESTED": (
        r"(klinkt|lijkt) (interessant|goed)|(zijn|ben) (zeer )?geinteresseerd|"
        r"(staan|sta) (er )?(zeker )?(voor )?open|ik ben benieuwd|houd me op de hoogte|"
        r"kan nuttig zijn|laten we contact houden|(ik )?sta (er|ervoor) (\w+ )?open",
    ),
}
