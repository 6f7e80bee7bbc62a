"""French phrases, folded (lower case, no accents: "interesse", "desinscrire")."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "AUTO_SUBJECT": (r"reponse automatique|absence|absente?\b|absent\(e\)",),
    "UNSUBSCRIBE": (
        r"(se |me |nous )?desinscrire|desabonner|desinscription",
        r"(ne |n')(m'|me |nous )?(envoyez|ecrivez|contactez|sollicitez) plus",
        r"(ne plus|de ne plus) (m'|me |nous )(ecrire|contacter|envoyer|solliciter)",
        r"(arretez|cessez) de (m'|me |nous )(envoyer|ecrire|contacter|solliciter)",
        r"(retirer|supprimer|enlever|rayer) (moi|mon adresse|mes coordonnees|mes donnees|nous)"
        r"|me retirer de|supprimez mes (donnees|coordonnees)",
        r"ne souhaite plus recevoir",
        r"(cesser|cessez|arreter) tout envoi|effacer mes (donnees|coordonnees)",
    ),
    "OUT_OF_OFFICE": (
        r"absente? du bureau",
        r"(je suis|actuellement) (absente?|en (conge|vacances|conges))",
        r"(je suis|je serai) en (conge|conges)( maternite| paternite)?",
        r"votre message ne sera pas transfere",
    ),
    "AWAY": (r"je suis (en formation|en deplacement|en salon)",),
    "LEFT_COMPANY": (r"ne fait plus partie|ne travaille plus|(a|ont) quitte (l'hotel|la societe)",),
    "NOT_INTERESTED": (
        r"(pas|plus) interess(e|es|ee|ees)",
        r"(ca|cela) ne (nous |m'|me )interesse (pas|guere)",
        r"non,? merci",
        r"pas besoin",
        r"(ce n'est )?pas pour nous",
        r"(nous ne sommes|je ne suis) pas (a la recherche|interess)",
    ),
    "SOFT_NO": (
        r"nous (travaillons|avons) deja",
        r"pas de budget",
        r"nous sommes (deja )?equipes",
        r"(pas|plus) pour (le moment|l'instant)|pas le moment|ce n'est pas le moment",
        r"(venons de|avons) (renouveler|renouvele|signe|prolonge) (notre|le|un) contrat",
    ),
    "NEGATED_MEETING": (
        r"(proposition|invitation) (de|a|pour) (un |une )?(rendez-vous|rdv|reunion|rencontre|"
        r"appel|echange)",
        r"je ne pense pas qu'un (rendez-vous|rdv|appel|echange)",
        r"(comite|reunion|conseil) (de direction|de janvier|budgetaire|d'administration)",
    ),
    "MEETING": (
        r"rendez-vous|rdv|(un |d'un )appel|(m'|nous )appeler|appelez-(moi|nous)|echanger par",
        r"(une )?(reunion|visio)|(on peut|nous pouvons|pouvons-nous) (en )?(parler|discuter|"
        r"echanger)",
        r"(fixons|calons|organisons|planifions) (un|une)|caler un",
        r"(jeudi|lundi|mardi|mercredi|vendredi) (\w+ )?\d{1,2} ?h(\d\d)?( ?,)? (ca|cela) vous va",
        r"une demo|quand (etes-vous|etes vous) disponible",
        r"volontiers pour un echange|envoyez-moi (vos disponibilites|une invitation)",
        r"je suis disponible",
        r"(un )?lien (teams|zoom|meet)|(je vous propose|proposons) un (appel|creneau|echange)",
    ),
    "DELEGATION": (
        r"contacte[rz](?!-(moi|nous))|adressez-vous a|(mon|ma) (collegue|responsable)|"
        r"s'occupe de|est gere par|gere (tous )?les fournisseurs",
        r"voyez (plutot )?avec|(je la|je le|je les) (mets|mettrai) en copie",
        r"(son|sa) (remplacant|remplacante|successeur)|merci d'adresser",
        r"transmettre votre demande a|je (transmets|transfere)",
    ),
    "NEEDS_INFO": (
        r"plus (d'informations|d'infos|de details|d'information)|documentation|plaquette|tarif|"
        r"prix|combien|comment (ca|cela) fonctionne",
        r"(avez-vous|avez vous) des references|frais d'installation|est-ce compatible",
        r"devis|proposition (chiffree|commerciale|tarifaire)",
    ),
    "ASSENT": (r"oui|d'accord",),
    "INTERESTED": (
        r"(c'est |semble |tres )?interessant|(je suis|nous sommes) (tres )?interess(e|es|ee)|"
        r"volontiers|avec plaisir",
        r"(serions|serais) interess(e|es|ee|ees)",
        r"(ca|cela) pourrait nous interesser|le sujet nous interesse|(nous sommes|je suis) "
        r"(ouverts?|curieux)",
        r"tenez-moi au courant|restons en contact",
    ),
}
