"""Phrase lists for the reply rules, matched against folded text (lower case, no accents).

Languages: English, German, French, Spanish, Portuguese, Italian. Each list is one regex so
a rule reports the phrase that fired.
"""

from __future__ import annotations

import re


def _any(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + "|".join(phrases) + r")(?![\w'])")


_MEETING_NOUN = r"(?:call|meeting|chat|demo|conversation|zoom|teams call|video call|phone call)s?"
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|next week|this week"

AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?reply|auto-response|autoreply|out of (the )?office|"
    r"abwesend|abwesenheitsnotiz|automatische antwort|reponse automatique|absence|"
    r"respuesta automatica|fuera de la oficina|resposta automatica|ausencia|"
    r"risposta automatica|fuori ufficio)\b"
)
UNSUBSCRIBE = _any(
    r"unsubscribe(d)?",
    r"remove (me|us|my (e-?mail|address|details)|this address)( from)?",
    r"remove (\w+ ){0,3}from (your|the) (list|mailing list|database|distribution|contacts)",
    r"take (me|us) off",
    r"opt(ed)? (me )?out",
    r"(stop|quit|cease) (e-?mailing|contacting|sending|writing|spamming)",
    r"^\s*(please )?stop\s*[.!]*\s*$",
    r"this is spam|(is|was|looks like) spam|(report|reported|mark|marked|flag) (it |this |you )?"
    r"(as|for) spam",
    r"(do not|don't|dont|never) (e-?mail|contact|write to|message) (me|us)( again| anymore)?",
    r"(no|not) (more|further) (e-?mails|emails|messages)",
    r"delete (my|our) (data|details|e-?mail)",
    r"(bitte )?(austragen|abmelden)",
    r"aus (ihrem|dem) verteiler",
    r"keine (weiteren )?(e-?mails|nachrichten)",
    r"(se |me )?desinscrire|desabonner|desinscription",
    r"(ne |n')(m'|me |nous )?(envoyez|ecrivez|contactez) plus",
    r"dar(me|nos)? de baja|darse de baja|(den|de)(me|nos)? de baja",
    r"no (me|nos) (escriba|escribas|envie|envies|contacte|contactes)(n)?( mas)?",
    r"descadastr(ar|e|em)|remover (meu|o meu) (e-?mail|contato)",
    r"nao (me|nos) (envie|envies|mande|contate)",
    r"cancellami|cancellarmi|disiscriv\w+",
    r"non (mi|ci) (scriva|scrivete|contatti|contattate|invii|inviate)( piu)?",
)
OUT_OF_OFFICE = _any(
    r"out of (the )?office",
    r"away from (the|my) (office|desk)",
    r"(limited|no|restricted) access to (my )?(e-?mails?|e-?mail|the internet)",
    r"upon my return",
    r"(currently|presently) (away|absent|on (annual |parental |maternity |paternity )?leave"
    r"|out|on (vacation|holiday|holidays))",
    r"i am (away|on (annual )?leave|on (vacation|holiday)) (until|till|from)",
    r"on (annual|parental|maternity|paternity|sick) leave",
    r"(this is an )?automatic (reply|response)",
    r"this is an automated (message|response|reply|e-?mail)",
    r"(we|i) have received your (e-?mail|enquiry|inquiry|message|request) and will",
    r"auto-?reply",
    r"nicht im (buro|haus)",
    r"(bin|sind) (derzeit |zurzeit |aktuell )?(nicht (im buro|erreichbar)|abwesend|im urlaub)",
    r"abwesenheit",
    r"absente? du bureau",
    r"(je suis|actuellement) (absente?|en (conge|vacances))",
    r"fuera de la oficina",
    r"(estoy|me encuentro) (ausente|de vacaciones|fuera)",
    r"fora do escritorio",
    r"(estou|encontro-me) (ausente|de ferias|fora)",
    r"fuori (ufficio|sede)",
    r"(sono|saro) (assente|in ferie|fuori)",
)
# A person saying they are away: a clear positive in the same reply wins over it.
AWAY = _any(
    r"(i am|i'm|im|i will be|i'll be|we are|we're) (currently )?(away|on (annual |parental |"
    r"maternity |paternity |sick )?leave|on (vacation|holiday|holidays)|travell?ing)",
)
# An auto-reply that says the person left: their replacement is a delegation, not an absence.
LEFT_COMPANY = _any(
    r"no longer (with|at|works? (at|for|with)|employed|part of)",
    r"(has|have) left (the company|the hotel|the group|us|our)",
    r"(i|she|he) left (the company|the hotel)",
    r"not with (the company|the hotel|us) any ?more",
    r"nicht mehr (bei|im|fur)",
    r"ne fait plus partie|ne travaille plus",
    r"ya no (trabaja|forma parte|esta con)",
    r"(ja )?nao (trabalha|faz parte)",
    r"non (lavora|fa) piu",
)
NOT_INTERESTED = _any(
    r"(not|no longer|not really) interested",
    r"(no|zero) interest",
    r"not interesting",
    r"no,? thanks?( you)?",
    r"thanks,? but no( thanks)?",
    r"not for (us|me|our (hotel|property|business))(?! to )",
    r"(we are|we're|were|i am|i'm) not (looking|in the market)",
    r"(do not|don't|dont) (call|phone|ring) (me|us)",
    r"(not|no) a (good )?fit",
    r"(we|i)( will|'ll) pass(?! (it|this|that|them|your|the|on|along))",
    r"(we|i) (have to |must )?(decline|pass on this)",
    r"no need for (this|it|your (service|product|offer)s?)",
    r"not (open to|considering) (this|it|any|new)",
    r"kein(en)? (interesse|bedarf)",
    r"nicht interessiert",
    r"nein,? danke",
    r"(pas|plus) interess(e|es|ee|ees)",
    r"(ca|cela) ne (nous|m')interesse pas",
    r"non,? merci",
    r"pas besoin",
    r"no (me|nos) interesa",
    r"no (estamos|estoy) interesad[oa]s?",
    r"no,? gracias",
    r"no necesitamos",
    r"nao (temos|tenho) interesse",
    r"nao (estamos|estou) interessad[oa]s?",
    r"nao,? obrigad[oa]",
    r"nao precisamos",
    r"non (mi|ci) interessa",
    r"non (siamo|sono) interessat[ioae]",
    r"no,? grazie",
    r"non abbiamo bisogno",
)
# Polite brush-offs: they lose to a clear positive ("we have a provider, but let's talk").
SOFT_NO = _any(
    r"we already (have|use|work with)\b",
    r"we (have|use|work with) (a|an|our own|another|someone|something) (\w+ ){0,2}?(provider|"
    r"partner|company|agency|system|tool|solution|software|vendor|supplier|team|person|chatbot|"
    r"service|platform|crm|pms)",
    r"(i|we) (don't|do not) think so|no time for (this|it|that)",
    r"wir (arbeiten|haben) (bereits|schon)|nous (travaillons|avons) deja|ya (trabajamos|tenemos)",
    r"ja (trabalhamos|temos)|(lavoriamo|abbiamo) gia",
    r"(we are|we're|i am|i'm) (happy|satisfied|fine) with (our|the) (current|existing)",
    r"(not|no) (right )?now",
    r"not at (the|this) (moment|time|stage)",
    r"not (this|a) (year|season|priority)",
    r"no budget|kein budget|pas de budget|(sin|no tenemos) presupuesto|(sem|nao temos) orcamento|"
    r"(nessun|non abbiamo) budget",
    r"not in a position to",
    r"nous sommes (deja )?equipes|ya estamos (equipados|cubiertos)",
    r"(bad|wrong) timing|timing (is not|isn't) right",
    r"maybe (later|next year|next season)",
    r"(we are|we're) (all )?(set|covered)",
    r"(derzeit|im moment|aktuell) (nicht|kein)",
    r"(pas|plus) pour le moment|pas le moment",
    r"(por ahora|de momento|en este momento) no|no (por ahora|de momento|en este momento)",
    r"(agora|neste momento|de momento) nao",
    r"(per ora|al momento|per il momento) no|non (al|per il) momento",
)
NEGATED_MEETING = _any(
    r"(not|never|no longer|won't be|wont be) (really )?(available|free|able|interested) (for|in|"
    r"to (have|do|take|join|schedule|book)) (a|an|any)? ?" + _MEETING_NOUN,
    r"(can't|cannot|can not) (do|take|join|make|have|fit in) (a|an|any) " + _MEETING_NOUN,
    r"(no|don't have|do not have|haven't got) (the )?time for (a|an|any)? ?" + _MEETING_NOUN,
    r"(do not|don't|dont|won't|will not) (want|need|have time) (to|for) (a |an )?"
    r"(meet|talk|speak|chat|schedule|book|call|" + _MEETING_NOUN + ")",
    r"(no|without) (calls|meetings)",
    r"before (we|i) (schedule|book|set up|arrange|agree to|commit to)",
)
MEETING = _any(
    r"(set up|setup|schedule|book|arrange|organi[sz]e|hop on|jump on|get on|find time for)"
    r" (a |an |some )?((quick|short|brief|15|20|30|15-minute|30-minute|phone|video|zoom|teams|"
    r"intro|introductory) )*(" + _MEETING_NOUN + "|time to (talk|chat|meet))",
    r"(let's|lets|let us|can we|could we|shall we) (talk|chat|meet|speak|connect|discuss)",
    r"(love|like|keen|happy|glad|open|want|wish) to (talk|chat|meet|speak|connect|discuss|"
    r"hear more on a call|see a demo|learn more on a call)",
    r"(give|call) (me|us) (a (call|ring)|on|at|tomorrow|today|any ?time|this|next)",
    r"(you can |feel free to |please )?(call|ring|phone) (me|us)",
    r"(contact|reach) (me|us) (on|at) \+?\d+",
    r"(next week )?(" + _DAY + r")( (morning|afternoon))?( at \d{1,2}(:\d\d)? ?(am|pm)?)? ?\?",
    r"my (mobile|cell|phone|direct line|number) is",
    r"(send|share) (me |us )?(a |an |the )?(calendar )?(invite|invitation|link to (your|a) calendar)",
    r"(let's|lets|happy to|like to|love to|can we|could we|we can|we could|shall we|suggest we)"
    r" have (a |an )?(quick |short |brief )?" + _MEETING_NOUN,
    r"on a (quick |short |brief )?(call|zoom|teams call|video call)",
    r"(would love|would like|'d love|'d like|want) (a|to see a|to book a) demo",
    r"calendar invit\w*|calendly|(here is|here's|link to|check) my calendar|calendar link",
    r"book a (time|slot)",
    r"(are|would) you (be )?(free|available)",
    r"(how|what) about (" + _DAY + r"|\d{1,2}(:\d\d)? ?(am|pm))",
    r"(" + _DAY + r")( (morning|afternoon|at \d{1,2}(:\d\d)? ?(am|pm)?))? (works|would work|suits|"
    r"is (good|fine|perfect|ok)|could work)",
    r"\d{1,2}(:\d\d)? ?(am|pm) (works|would work|suits|is (good|fine|ok))",
    r"(i am|i'm|we are|we're) (free|available) (on|this|next|tomorrow|any|from)",
    r"termin (vereinbaren|ausmachen|finden|vorschlagen)|einen termin|telefonat|telefonieren",
    r"(rufen sie|ruf) (mich|uns) (\w+ ){0,2}an|(kurz )?(sprechen|austauschen) (wir|konnen)|treffen wir",
    r"rendez-vous|rdv|(un |d'un )appel|(m'|nous )appeler|appelez-(moi|nous)|echanger par",
    r"(une )?(reunion|visio)|(on peut|nous pouvons|pouvons-nous) (en )?(parler|discuter|echanger)",
    r"(una )?(reunion|llamada|videollamada)|llam(a|e)me|podemos (hablar|vernos|quedar|reunirnos)",
    r"hablamos|quedamos|agendar",
    r"(uma )?(reuniao|chamada|ligacao)|me ligue|(podemos|vamos) (conversar|falar)|agendar",
    r"(mi|ci) (puo|puoi|potete) chiamare|chiamami|mi chiami|(puede|puedes) llamarme|"
    r"(pode|podem) (me )?ligar|me liga|"
    r"(una )?(riunione|chiamata)|una call|appuntamento|sentirci|(possiamo|potremmo) parlare",
)
SCHEDULING_DELEGATE = _any(
    r"(to|who will|she will|he will|will) (set up|schedule|book|arrange|organi[sz]e|find) "
    r"(a |the )?(time|slot|" + _MEETING_NOUN + ")",
    r"(manages|handles|keeps) my (calendar|diary|agenda)",
)
DELEGATION = _any(
    r"(contact|reach out to|get in touch with|speak (to|with)|talk (to|with)|write to|e-?mail)"
    r" (my|our) (colleague|assistant|manager|gm|general manager|revenue manager|owner|director|"
    r"team|sales|marketing|reservations|partner)",
    r"(please|better to|best to|you should|kindly) (contact|reach out to|get in touch with|email|"
    r"write to|talk to|speak (to|with)) (?!me\b|us\b|you\b|again\b)\w+",
    r"((i'?ve|i have|i) (forwarded|passed|sent|shared)|(i'll|i will) (forward|pass)) (this|it|"
    r"your (e-?mail|message|note|request)) (on |along )?(to|with)",
    r"(the|our) (general |hotel )?(manager|owner|director|gm|person in charge|decision maker) is",
    r"(pass|passing|passed) (this|it) (on|along)",
    r"je (transmets|transfere)|leite [^.!?\n]{0,60} weiter|(le|lo|la) (paso|reenvio|envio)|reenvie su|"
    r"(vou encaminhar|encaminhei)|(inoltro|giro) (\w+ ){0,2}a",
    r"(cc'?d|copied|copying|looping in|looped in)",
    r"(?<!i am )(?<!i'm )the (right|best) (person|contact)",
    r"(not|isn't|is not) (the right|the best|the correct) (person|contact)",
    r"(is|are) (responsible|in charge) (for|of)",
    r"(who|she|he|they) (handles|looks after|takes care of|deals with|manages)",
    r"(my|her|his) (successor|replacement)|replaced by|has taken over",
    r"wenden sie sich (bitte )?an|(ist|sind) (dafur )?zustandig|zustandig (ist|sind)|(mein|meine|meinen) (kollege|kollegin|kollegen)",
    r"contacte[rz](?!-(moi|nous))|adressez-vous a|(mon|ma) (collegue|responsable)|s'occupe de",
    r"(contacte|contactar|escriba) (a|con)|(mi|nuestro|nuestra) (companer[oa]|encargad[oa]|"
    r"responsable)|se encarga",
    r"(entre|entrar) em contato com|(meu|minha|nosso|nossa) (colega|responsavel)|responsavel por",
    r"contattare (il|la|i|le|l')|rivolgersi a|rivolgetevi a|(il mio|la mia) (collega|"
    r"responsabile)|si occupa",
    r"no longer (with|at|works? (at|for|with)|responsible)|(has|have) left",
)
NEEDS_INFO = _any(
    r"(send|share|forward|email) (me |us |over )?(some |more |further |additional |a |an |the |your )*"
    r"(info|information|details|brochure|pricing|prices|price list|rates|proposal|deck|"
    r"presentation|case stud(y|ies)|examples|references|quote|overview|one-pager)",
    r"more (info|information|details)|further (info|information|details)",
    r"tell (me|us) more|(what|how) (exactly )?(does|would|will|do) (it|this|that|you) (cost|charge)",
    r"how much|pricing|price|cost(s)?\b|fees",
    r"(is there|do you (have|offer)) (a |any )?(free )?(trial|pilot|demo account)",
    r"how (does|would|will) (it|this|that|your (tool|product|system|service)) work",
    r"(could|can) you (explain|clarify|elaborate|share)",
    r"(does|do|will|would|can) (it|you|this|your \w+) (integrate|connect|work) with",
    r"(which|what) (other )?(hotels|properties|clients|customers|references)",
    r"what (exactly )?(is|are|do) (you|your|it|this)",
    r"(mehr|weitere) (informationen|infos|details)|unterlagen|was (\w+ )?kostet|kostet (das|es)|preis|kosten|"
    r"wie funktioniert",
    r"plus (d'informations|d'infos|de details|d'information)|documentation|tarif|prix|combien|"
    r"comment (ca|cela) fonctionne",
    r"(mas )?informacion|precio|cuanto cuesta|como funciona|mas detalles|(saber|conocer) mas|"
    r"referencias",
    r"(mais )?informacoes|preco|quanto custa|como funciona|mais detalhes",
    r"(maggiori|piu) (informazioni|dettagli)|prezzo|quanto costa|come funziona",
)
# A whole reply of one word of assent: positive, but what it agrees to needs the thread.
ASSENT = re.compile(
    r"^\s*(yes|yeah|yep|sure|ok|okay|great|perfect|fine|ja|oui|si|sim|claro|certo|d'accord|"
    r"va bene|perfetto|perfekt|gerne)[\s,.!]*(why not|please|sure|thanks|thank you)?[\s.!]*$"
)
INTERESTED = _any(
    r"looking forward to (it|hearing|speaking|learning)",
    r"(sounds|looks|seems) (interesting|good|great|promising|useful|relevant)",
    r"(i am|i'm|we are|we're|i'd be|we'd be|would be|could be) (very |quite |definitely |really )?"
    r"(interested|curious|keen|open to (it|this|learning|hearing))",
    r"interested in (learning|hearing|knowing|trying|this|your)",
    r"(could|might|may) (be (useful|interesting|helpful|relevant|of interest|a fit|worth)"
    r"|work for us|help us|interest)",
    r"yes,? please|count (me|us) in|worth (exploring|a look|discussing)|intrigued",
    r"(love|like|happy|keen) to (learn|hear|know|try|see) more",
    r"klingt (interessant|gut|spannend)|(sind|bin|waren|waere|ware) (sehr )?interessiert|gerne",
    r"(c'est |semble |tres )?interessant|(je suis|nous sommes) interess(e|es|ee)|volontiers|"
    r"avec plaisir",
    r"(me parece |muy )?interesante|(estoy|estamos|estaria|estariamos) interesad[oa]s?|"
    r"me interesa|con gusto",
    r"(serions|serais) interess(e|es|ee|ees)|(estaria|estariamos) interessad[oa]s?|"
    r"(sarei|saremmo) interessat[ioae]",
    r"(parece |muito )?interessante|(estou|estamos) interessad[oa]s?|tenho interesse|com prazer",
    r"(sembra |molto )?interessante|(sono|siamo) interessat[ioae]|mi interessa|volentieri",
)
