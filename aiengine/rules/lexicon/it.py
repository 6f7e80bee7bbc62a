"""Italian phrases, folded (lower case, no accents: "piu", "disponibilita")."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "AUTO_SUBJECT": (r"risposta automatica|fuori ufficio|fuori sede|assenza",),
    "UNSUBSCRIBE": (
        r"cancellami|cancellarmi|disiscriv\w+",
        r"non (mi|ci) (scriva|scrivete|contatti|contattate|invii|inviate)( piu)?",
        r"non (scriveteci|scrivetemi|contattateci|contattatemi) piu",
        r"non (contattate|scrivete) piu",
        r"(smettete|smetta) di (scrivermi|scriverci|contattarmi|inviare)",
        r"(rimuovermi|rimuoverci|cancellare il mio indirizzo|cancellare i miei dati|"
        r"cancellate i miei dati)",
        r"non (voglio|vogliamo) (piu )?ricevere",
        r"non (inviarmi|inviarci|mandarmi|mandarci) piu|cancellare i miei dati",
    ),
    "OUT_OF_OFFICE": (
        r"fuori (ufficio|sede)",
        r"(sono|saro) (assente|in ferie|fuori|in maternita)",
        r"rientrero|non verra inoltrata",
    ),
    "AWAY": (r"(sono|saro) (questa settimana )?(a un corso|in fiera|in viaggio)",),
    "LEFT_COMPANY": (r"non (lavora|fa) piu",),
    "NOT_INTERESTED": (
        r"non (mi|ci) interessa",
        r"non (siamo|sono) interessat[ioae]",
        r"no,? grazie",
        r"non abbiamo bisogno",
        r"non fa per noi",
    ),
    "SOFT_NO": (
        r"(lavoriamo|abbiamo) gia",
        r"(nessun|non abbiamo) budget",
        r"(per ora|al momento|per il momento) no|non (al|per il) momento|al momento non",
        r"(siamo )?soddisfatti",
        r"(appena )?rinnovato (il|un) contratto",
    ),
    "NEGATED_MEETING": (
        r"(proposta|invito) (di|per un) (incontro|call|riunione|appuntamento)",
        r"(budget|tempo) (\w+ )?per (incontri|riunioni)",
        r"non credo che (un|una) (incontro|call|riunione|chiamata)",
        r"riunione (di budget|di direzione|del consiglio|di gennaio)",
    ),
    "MEETING": (
        r"(mi|ci) (puo|puoi|potete) chiamare|chiamami|mi chiami",
        r"(una )?(riunione|chiamata|videochiamata)|una call|appuntamento|sentirci|sentiamoci|"
        r"(possiamo|potremmo) parlare|fissiamo",
        r"una demo|quando e disponibile|(mi )?mandi un invito|le va bene",
        r"(un )?link (teams|zoom|meet)|ho \d+ minuti",
    ),
    "DELEGATION": (
        r"contattare (il|la|i|le|l')|rivolgersi a|rivolgetevi a|(il mio|la mia|la nostra|"
        r"il nostro) (collega|responsabile)|si occupa|se ne occupa",
        r"(inoltro|giro) (\w+ ){0,2}a|inoltri (la richiesta|questa)|la metto in copia|"
        r"(le )?scriva a|gestisce (i )?fornitori|il suo sostituto|meglio sentire",
    ),
    "NEEDS_INFO": (
        r"(maggiori|piu) (informazioni|dettagli)|prezzo|quanto costa|come funziona",
        r"materiale informativo|presentazione|listino|tariffe|costi|referenze|funziona con",
        r"preventivo|offerta (scritta|economica)",
    ),
    "ASSENT": (r"certo|va bene|perfetto",),
    "INTERESTED": (
        r"(sembra |molto )?interessante|(sono|siamo) interessat[ioae]|mi interessa|volentieri",
        r"(sarei|saremmo) interessat[ioae]|ci interessa|potrebbe (esserci|essere) utile|"
        r"restiamo in contatto|mi tenga aggiornat[oa]|(siamo )?aperti a",
    ),
}
