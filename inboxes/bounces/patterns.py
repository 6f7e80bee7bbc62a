"""Pattern tables for the classifier, as data: a regex, the reason it proves, the human cause.

The classifier tries, in order: SPECIFIC_RULES on the diagnostic text, STATUS_RULES on the
enhanced status code, then GENERIC_RULES on the text. Within a table the first match wins, so
each table lists specific phrases before generic ones (a Spamhaus listing before "spam", an
O365 "5.4.1 access denied" before the general "access denied").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inboxes.bounces.vocabulary import Reason


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    reason: Reason
    cause: str
    permanent_only: bool = False  # ignore the rule for 4xx / 4.x.x answers


def _rule(regex: str, reason: Reason, cause: str, *, permanent_only: bool = False) -> Rule:
    return Rule(re.compile(regex, re.IGNORECASE), reason, cause, permanent_only)


R = Reason

# --- text that names the cause outright -----------------------------------------------------
SPECIFIC_RULES: list[Rule] = [
    # Our own envelope sender was refused: never the recipient's fault.
    _rule(
        r"sender (address )?(verify|verification) failed|verification failed for <"
        r"|sender address rejected|sender domain (not found|must exist|unknown)",
        R.POLICY,
        "our sender address failed the recipient server's checks",
    ),
    # Group and tenant restrictions mention "authentication", so they go before the auth rule.
    _rule(
        r"RESOLVER\.RST\.|only accepts? (messages|mail) from|delivery restriction",
        R.NOT_ACCEPTING,
        "the address only accepts mail from authorised senders",
    ),
    _rule(r"\bdmarc\b|5\.7\.509", R.POLICY, "DMARC alignment"),
    _rule(
        r"\bspf\b.{0,60}\bdkim\b|\bdkim\b.{0,60}\bspf\b|sender is unauthenticated"
        r"|unauthenticated (email|mail|sender)",
        R.POLICY,
        "SPF/DKIM authentication",
    ),
    _rule(r"\bspf\b|sender policy framework|openspf", R.POLICY, "SPF failure"),
    _rule(r"\bdkim\b|domainkeys", R.POLICY, "DKIM failure"),
    _rule(
        r"\bptr\b|reverse dns|\brdns\b|reverse (lookup|hostname|mapping)"
        r"|cannot find your (reverse )?hostname|forward dns entry",
        R.POLICY,
        "reverse DNS (PTR) of our sending IP",
    ),
    _rule(r"anti-?spoofing|spoof", R.POLICY, "anti-spoofing policy on our From address"),
    _rule(
        r"relay(ing)? (access )?(denied|not permitted|prohibited|disallowed)|unable to relay"
        r"|not permitted to relay|we do not relay",
        R.POLICY,
        "relay denied (check our SMTP authentication)",
    ),
    _rule(
        r"client was not authenticated|authentication (is )?required|must authenticate"
        r"|5\.7\.57\b|authentication (failed|unsuccessful)|sendasdenied|not allowed to send as",
        R.POLICY,
        "SMTP or account authentication of our inbox",
    ),
    # A provider's suppression list is a record of earlier hard bounces for that address.
    _rule(
        r"suppression list|suppressed sending to this address|recent history of bouncing",
        R.USER_UNKNOWN,
        "on the provider's suppression list after earlier hard bounces",
    ),
    _rule(
        r"spamhaus|spamcop|barracuda|\bsorbs\b|uceprotect|\bpsbl\b|mailspike|invaluement"
        r"|abusix|\bsurbl\b|\buribl\b|\bdnsbl\b|\brbl\b|blacklist|block ?list|black list"
        r"|blocked using|(?<!not )listed (at|on|in) |ipcheck\.proofpoint|sender\.office\.com|\(S3150\)",
        R.BLOCKED,
        "IP on a blocklist",
    ),
    _rule(
        r"envelope blocked|blocked by (the )?(recipient|user)|sender (is )?on the recipient'?s?"
        r" block",
        R.BLOCKED,
        "the recipient or their administrator blocked our address",
    ),
    _rule(
        r"\[TSS09\]|permanently deferred|banned sending ip|traffic not accepted from this ip"
        r"|reputation|host network not allowed|client host .{0,40}blocked"
        r"|(ip|domain|server|host|sender|network) (address )?(is |has been )?"
        r"(blocked|banned|blacklisted|denied)|client blocked|blocked by (policy|administrator)",
        R.BLOCKED,
        "our sending IP or domain is blocked (reputation)",
    ),
    _rule(
        r"rate.?limit|throttl|too many (messages|mails|e-?mails|connections|concurrent|sessions"
        r"|recipients)|unusual rate|(sending|message|connection) rate|temporarily deferred"
        r"|deferred due to|\[TS0[1-3]\]|\[TSS0[1-4]\]|4\.7\.28|greylist|graylist|slow down",
        R.RATE_LIMITED,
        "the recipient's server is throttling us",
    ),
    _rule(
        r"(not accepted|rejected) for policy reasons",
        R.POLICY,
        "the recipient's policy (often sender reputation or authentication)",
    ),
    _rule(
        r"\bspam\b|unsolicited|junk mail|phish|5\.7\.350",
        R.SPAM_DETECTED,
        "the message was judged to be spam",
    ),
    # --- about the recipient ---
    _rule(
        r"AS\(201806281\)|5\.4\.1 recipient address rejected",
        R.USER_UNKNOWN,
        "recipient not found (Microsoft directory-based edge blocking)",
    ),
    _rule(
        r"has moved|moved permanently|user (has )?moved|address (has )?changed"
        r"|(is )?no longer (with|at|employed|working)|left (the|our) (company|organi[sz]ation|firm)"
        r"|new (e-?mail )?address is|5\.1\.6",
        R.HAS_MOVED,
        "the recipient has moved or left",
    ),
    _rule(
        r"not accepting (mail|messages|e-?mail)"
        r"|(does not|doesn'?t|no longer) accepts? (mail|e-?mail|messages)|null mx"
        r"|recipient address rejected: access denied|not authori[sz]ed to receive",
        R.NOT_ACCEPTING,
        "the address does not accept mail from us",
    ),
    _rule(
        r"unrouteable|unroutable|host or domain name not found|host unknown|unknown host"
        r"|domain (name )?not found|no such domain|domain (does not|doesn'?t) exist|nxdomain"
        r"|no mx (record|host)|domain lookup failed|unknown domain|invalid domain"
        r"|bad destination system|hostunknown|domain \S+ (could not|couldn'?t) be found|Dom(ä|ae)ne (existiert nicht|nicht gefunden)"
        r"|domaine (inconnu|inexistant)|dominio (inexistente|no existe|desconocido)"
        r"|домен\w* не (существует|найден)",
        R.HOST_UNKNOWN,
        "the recipient's domain has no mail server",
    ),
    _rule(
        r"(account|mailbox|address|user|recipient) (is |has been |was )?(disabled|suspended"
        r"|deactivated|inactive|frozen|locked|not active|no longer active)"
        r"|tried to reach is (disabled|inactive|suspended)|(is|has been) (temporarily )?"
        r"(disabled|suspended|deactivated)|(account|mailbox) (has )?expired|inactive (user|account|mailbox)|mailboxdisabled"
        r"|Konto (ist )?(deaktiviert|gesperrt)|Postfach (ist )?(deaktiviert|gesperrt)"
        r"|compte (est )?(désactivé|suspendu|bloqué)|bo[iî]te aux lettres (est )?(désactivée"
        r"|suspendue)|cuenta (está )?(desactivada|suspendida|bloqueada|inactiva)"
        r"|conta (está )?(desativada|suspensa|bloqueada|inativa)"
        r"|(ящик|аккаунт|учетная запись)\w* (заблокирован|отключ)",
        R.SUSPENDED,
        "the recipient's mailbox is suspended or disabled",
    ),
    _rule(
        r"insufficient system storage",
        R.NETWORK_ERROR,
        "the recipient's server is out of disk space",
    ),
    _rule(
        r"(mailbox|mail ?box|inbox|account|mail ?folder|mail ?file|mail database|user|disk"
        r"|storage|recipient'?s? (mailbox|inbox)) (is |was )?(full|over ?(the )?(quota|limit)"
        r"|out of (storage )?space)|over ?quota|quota (exceeded|exceed|full|violation)"
        r"|exceeded (the |his |her |their )?(storage |mailbox )?(quota|allocation)"
        r"|mailbox size limit|mail file size|quotaexceeded|out of storage space"
        r"|Postfach (ist )?voll|Speicherplatz|Quota (ist )?überschritten"
        r"|bo[iî]te (aux lettres |de réception )?(est )?pleine|quota (dépassé|atteint)"
        r"|buz[oó]n (del destinatario )?(está )?(lleno|completo)|cuota (excedida|superada)"
        r"|caixa (postal |de correio )?(de \S+ )?(está )?(cheia|lotada)"
        r"|cota (excedida|ultrapassada)|ящик\w*(\s+\w+)?\s+(переполнен|полон)|превышен\w* квот",
        R.MAILBOX_FULL,
        "the recipient's mailbox is full",
    ),
    _rule(
        r"(user|recipient|mailbox|account|address|destination) (is )?unknown"
        r"|unknown (user|recipient|mailbox|local[- ]?part|address|e-?mail address)"
        r"|no such (user|mailbox|recipient|address|account|person)"
        r"|(user|mailbox|recipient|account|address) (does not|doesn'?t|did not) exist"
        r"|(user|mailbox|recipient|address|account) (was |is )?not found|recip\w*notfound"
        r"|RESOLVER\.ADR\.|invalid (recipient|mailbox|address|user)|not a valid (mailbox|user"
        r"|recipient|address)|no mailbox here"
        r"|doesn'?t have an? \S+ account|you tried to reach does not exist"
        r"|bad destination mailbox|not listed in|no valid recipients"
        r"|could not be found|wasn'?t found at|isn'?t a valid|unknown or illegal alias"
        r"|Benutzer (ist )?(unbekannt|existiert nicht)|Empfänger(adresse)? (ist )?(unbekannt"
        r"|existiert nicht|nicht gefunden)|unbekannte[rn]? (Empfänger|Benutzer)"
        r"|Postfach (existiert nicht|nicht vorhanden|unbekannt)|utilisateur (inconnu|inexistant)"
        r"|destinataire (est )?(inconnu|inexistant|invalide)|adresse (est )?(inconnue"
        r"|inexistante)|usuario (desconocido|inexistente|no existe)|destinatario (desconocido"
        r"|inexistente|no existe)|buz[oó]n (no existe|inexistente)|usu[aá]rio (desconhecido"
        r"|inexistente|n[aã]o existe)|destinat[aá]rio (desconhecido|inexistente)"
        r"|utente (sconosciuto|inesistente)|неизвестн\w* (пользовател|получател|адрес)"
        r"|(адрес|ящик|получател|пользовател)\w*(\s+\w+)?\s+не\s+(существует|найден)"
        r"|нет такого (пользователя|ящика|адреса)",
        R.USER_UNKNOWN,
        "the mailbox does not exist",
    ),
    _rule(
        r"(message|mail|e-?mail)( size)? (is )?too (big|large|long)|message (size )?exceeds"
        r"|exceeds? (the )?(maximum|max|fixed maximum|fixed)( allowed)?( message)? size"
        r"|size (limit )?exceeded|message length exceeds|messagesizeexceeded|too large"
        r"|Nachricht (ist )?zu groß|message trop (gros|volumineux)|mensaje demasiado grande"
        r"|mensagem muito grande|слишком (большое|велико)",
        R.MESSAGE_TOO_BIG,
        "the message is larger than the recipient's server accepts",
    ),
    _rule(
        r"retry time(out)? (exceeded|not reached for any host after a long failure)"
        r"|message expired|expired in queue|queue\.expired|delivery time expired"
        r"|in the queue too long|too long in (the )?queue|gave up|giving up"
        r"|(could not|cannot|can'?t) (be )?(send|sent|delivered) (message )?for( the past)? \d+"
        r"|maximum (time|number of (retries|delivery attempts)) (exceeded|reached)",
        R.EXPIRED,
        "delivery gave up after retries",
    ),
    _rule(
        r"virus|malware|infected|attachment (type )?(is )?(not allowed|rejected|blocked"
        r"|forbidden)|prohibited attachment|banned (attachment|file|content)|security issue"
        r"|content (rejected|not accepted|filter|policy)|rejected (due to|because of) (its )?"
        r"content|message content",
        R.CONTENT_REJECTED,
        "the message content was rejected",
    ),
    _rule(
        r"connection (timed out|refused|reset|closed|lost|dropped)|timed? ?out"
        r"|unexpectedly closed|disconnected"
        r"|no route to host|network (is )?unreachable|host unreachable|could not connect"
        r"|unable to connect|can'?t connect|lost connection|establish an smtp connection"
        r"|tls (handshake )?(failed|error)|ssl (handshake )?(error|failed)"
        r"|certificate verif\w* failed|broken pipe|servfail|temporary (dns|lookup) failure"
        r"|hop count exceeded|mail loop|loop detected|routing loop|too many hops",
        R.NETWORK_ERROR,
        "a network error between the mail servers",
    ),
]

# --- enhanced status codes (RFC 3463 plus the vendors' extensions), matched on "c.s.d" ------
STATUS_RULES: list[Rule] = [
    _rule(r"[45]\.1\.(1|3|10)", R.USER_UNKNOWN, "the mailbox does not exist"),
    _rule(r"[45]\.1\.2", R.HOST_UNKNOWN, "the recipient's domain has no mail server"),
    _rule(r"[45]\.1\.6", R.HAS_MOVED, "the recipient has moved"),
    _rule(r"[45]\.1\.[78]", R.POLICY, "our sender address was refused"),
    _rule(r"[45]\.2\.1", R.SUSPENDED, "the recipient's mailbox is disabled"),
    _rule(r"[45]\.2\.2", R.MAILBOX_FULL, "the recipient's mailbox is full"),
    _rule(r"[45]\.2\.3|[45]\.3\.4", R.MESSAGE_TOO_BIG, "the message is too big"),
    _rule(r"[45]\.4\.7", R.EXPIRED, "delivery gave up after retries"),
    _rule(r"5\.4\.4", R.HOST_UNKNOWN, "no route to the recipient's domain"),
    _rule(r"4\.7\.28", R.RATE_LIMITED, "the recipient's server is throttling us"),
    _rule(r"[45]\.7\.26|5\.7\.509", R.POLICY, "DMARC alignment"),
    _rule(r"[45]\.7\.2[34]", R.POLICY, "SPF failure"),
    _rule(r"[45]\.7\.25", R.POLICY, "reverse DNS (PTR) of our sending IP"),
    _rule(r"[45]\.7\.27", R.POLICY, "our sender domain publishes a null MX"),
    _rule(r"[45]\.7\.(8|9|14|57)", R.POLICY, "authentication or policy rejection"),
    _rule(r"5\.7\.(60\d|6[1-4]\d)", R.BLOCKED, "IP on a blocklist (Microsoft)"),
    _rule(r"5\.7\.7\d\d", R.BLOCKED, "our sending IP or tenant is blocked by Microsoft"),
    _rule(r"5\.7\.350", R.SPAM_DETECTED, "the message was judged to be spam"),
    _rule(r"5\.7\.13[3-6]", R.NOT_ACCEPTING, "the recipient only accepts authorised senders"),
    # 5.7.1 without a telling text: the recipient's server refuses us, not the address.
    _rule(r"5\.7\.1", R.BLOCKED, "the recipient's server refuses our mail (5.7.1)"),
    _rule(r"5\.7\.\d+", R.POLICY, "the recipient's security policy"),
    _rule(r"4\.7\.\d+", R.RATE_LIMITED, "temporarily deferred by the recipient's policy"),
    _rule(r"[45]\.6\.\d+", R.CONTENT_REJECTED, "the message content was rejected"),
    _rule(r"[45]\.5\.3", R.RATE_LIMITED, "too many recipients at once"),
    _rule(r"[45]\.4\.\d+|4\.3\.\d+", R.NETWORK_ERROR, "a network or routing error"),
]

# --- weak words, only used when nothing more telling matched ------------------------------
GENERIC_RULES: list[Rule] = [
    _rule(
        r"mailbox (is )?unavailable|mailbox not found|recipient rejected|invalid address",
        R.USER_UNKNOWN,
        "mailbox unavailable (most likely it does not exist)",
        permanent_only=True,
    ),
    _rule(
        r"try (again )?later|temporar(y|ily)|service (temporarily )?unavailable|server busy"
        r"|too busy|resources? (temporarily )?unavailable|local error|internal (server )?error",
        R.NETWORK_ERROR,
        "the recipient's server had a temporary problem",
    ),
    _rule(r"access denied|not allowed|refused", R.BLOCKED, "the recipient's server refuses us"),
]

# Blocklist operators named in BLOCKED causes, so the alert says which list to check.
BLOCKLIST_NAMES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.IGNORECASE), name)
    for p, name in [
        (r"spamhaus", "Spamhaus"),
        (r"spamcop", "SpamCop"),
        (r"barracuda", "Barracuda"),
        (r"\bsorbs\b", "SORBS"),
        (r"uceprotect", "UCEPROTECT"),
        (r"mailspike", "Mailspike"),
        (r"invaluement", "Invaluement"),
        (r"abusix", "Abusix"),
        (r"\bsurbl\b|\buribl\b", "a URI blocklist"),
        (r"proofpoint", "Proofpoint"),
        (r"sender\.office\.com|\(S3150\)|outlook\.com|hotmail", "Microsoft"),
    ]
]

# Plain SMTP reply codes, used last of all.
SMTP_CODE_REASONS: dict[int, Reason] = {
    421: R.NETWORK_ERROR,
    450: R.NETWORK_ERROR,
    451: R.NETWORK_ERROR,
    452: R.MAILBOX_FULL,
    551: R.HAS_MOVED,
    552: R.MAILBOX_FULL,
}
