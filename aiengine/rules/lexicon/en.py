"""English phrases, folded (lower case, no accents). Each category is one alternation."""

from __future__ import annotations

MEETING_NOUN = r"(?:call|meeting|chat|demo|conversation|zoom|teams call|video call|phone call)s?"
DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|next week|this week"

PHRASES: dict[str, tuple[str, ...]] = {
    "AUTO_SUBJECT": (
        r"automatic reply|auto(matic)?[- ]?reply|auto-response|autoreply|out of (the )?office",
    ),
    "UNSUBSCRIBE": (
        r"unsubscribe(d)?",
        r"remove (me|us|my (e-?mail|address|details)|this address)( from)?",
        r"remove (\w+ ){0,3}from (your|the) (list|mailing list|database|distribution|contacts)",
        r"take (me|us|my (e-?mail|address|details)|(\w+ )?address) off",
        r"opt(ed)? (me )?out",
        r"(stop|quit|cease) (e-?mailing|contacting|sending|writing|spamming)",
        r"^\s*(please )?stop\s*[.!]*\s*$",
        r"this is spam|(is|was|looks like) spam|(report|reported|mark|marked|flag) (it |this |you )?"
        r"(as|for) spam",
        r"(do not|don't|dont|never) (e-?mail|contact|write to|message) (me|us|this address)"
        r"( again| anymore)?",
        r"(no|not) (more|further) (e-?mails|emails|messages)",
        r"(delete|erase) (my|our|all) (personal )?(data|details|e-?mail)",
        r"stop sending (me |us )?(marketing|sales|promotional)",
    ),
    "OUT_OF_OFFICE": (
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
    ),
    "AWAY": (
        r"(i am|i'm|im|i will be|i'll be|we are|we're) (currently )?(away|on (annual |parental |"
        r"maternity |paternity |sick )?leave|on (vacation|holiday|holidays)|travell?ing|"
        r"on a (course|training)|at a (conference|trade fair))",
    ),
    "LEFT_COMPANY": (
        r"no longer (with|at|works? (at|for|with)|employed|part of)",
        r"(has|have) left (the company|the hotel|the group|us|our)",
        r"(i|she|he) left (the company|the hotel)",
        r"not with (the company|the hotel|us) any ?more",
    ),
    "NOT_INTERESTED": (
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
    ),
    "SOFT_NO": (
        r"we already (have|use|work with)\b",
        r"we (have|use|work with) (a|an|our own|another|someone|something) (\w+ ){0,2}?(provider|"
        r"partner|company|agency|system|tool|solution|software|vendor|supplier|team|person|"
        r"chatbot|service|platform|crm|pms)",
        r"(i|we) (don't|do not) think so|no time for (this|it|that)",
        r"(we are|we're|i am|i'm) (happy|satisfied|fine) with (our|the) (current|existing)",
        r"(not|no) (right )?now",
        r"not at (the|this) (moment|time|stage)",
        r"not (this|a) (year|season|priority)",
        r"no budget|not in a position to",
        r"(bad|wrong) timing|timing (is not|isn't) right",
        r"maybe (later|next year|next season)",
        r"(we are|we're) (all )?(set|covered)",
        r"(just )?(renewed|extended|signed) (our|the|a) (\w+ )?(contract|agreement)",
    ),
    "NEGATED_MEETING": (
        r"(not|never|no longer|won't be|wont be) (really )?(available|free|able|interested) (for|in|"
        r"to (have|do|take|join|schedule|book)) (a|an|any)? ?" + MEETING_NOUN,
        r"(can't|cannot|can not) (do|take|join|make|have|fit in) (a|an|any) " + MEETING_NOUN,
        r"(no|don't have|do not have|haven't got) (the )?time for (a|an|any)? ?" + MEETING_NOUN,
        r"(do not|don't|dont|won't|will not) (want|need|have time) (to|for) (a |an )?"
        r"(meet|talk|speak|chat|schedule|book|call|" + MEETING_NOUN + ")",
        r"(no|without) (calls|meetings)",
        r"before (we|i) (schedule|book|set up|arrange|agree to|commit to)",
        r"(offer|invitation|request) (of|for) a (meeting|call)",
        r"(budget|time) for (a )?(meeting|call|new tool)s?",
        r"(not sure|don't think|do not think) (a|that a) (meeting|call|demo) would",
        r"(budget|board|team|staff|owners'?|management|internal) (meeting|call)s?",
    ),
    "MEETING": (
        r"(set up|setup|schedule|book|arrange|organi[sz]e|hop on|jump on|get on|find time for)"
        r" (a |an |some )?((quick|short|brief|15|20|30|15-minute|30-minute|phone|video|zoom|teams|"
        r"intro|introductory) )*(" + MEETING_NOUN + "|time to (talk|chat|meet))",
        r"(let's|lets|let us|can we|could we|shall we) (talk|chat|meet|speak|connect|discuss)",
        r"(love|like|keen|happy|glad|open|want|wish) to (talk|chat|meet|speak|connect|discuss|"
        r"hear more on a call|see a demo|learn more on a call)",
        r"(give|call) (me|us) (a (call|ring)|on|at|tomorrow|today|any ?time|this|next)",
        r"(you can |feel free to |please )?(call|ring|phone) (me|us)",
        r"(contact|reach) (me|us) (on|at) \+?\d+",
        r"(next week )?(" + DAY + r")( (morning|afternoon))?( at \d{1,2}(:\d\d)? ?(am|pm)?)? ?\?",
        r"my (mobile|cell|phone|direct line|number) is",
        r"(send|share) (me |us )?(a |an |the )?(calendar )?(invite|invitation|link to (your|a) "
        r"calendar)",
        r"(let's|lets|happy to|like to|love to|can we|could we|we can|we could|shall we|suggest we)"
        r" have (a |an )?(quick |short |brief )?" + MEETING_NOUN,
        r"on a (quick |short |brief )?(call|zoom|teams call|video call)",
        r"(would love|would like|'d love|'d like|want) (a|to see a|to book a) demo",
        r"calendar invit\w*|calendly|(here is|here's|link to|check) my calendar|calendar link",
        r"book a (time|slot)|send an invite",
        r"(are|would) you (be )?(free|available)|when are you free",
        r"(how|what) about (" + DAY + r"|\d{1,2}(:\d\d)? ?(am|pm))",
        r"(" + DAY + r")( (morning|afternoon|at \d{1,2}(:\d\d)? ?(am|pm)?))? (works|would work|"
        r"suits|is (good|fine|perfect|ok)|could work)",
        r"\d{1,2}(:\d\d)? ?(am|pm) (works|would work|suits|is (good|fine|ok))",
        r"(i am|i'm|we are|we're) (free|available) (on|this|next|tomorrow|any|from)",
        r"(how|what) (does|do) (\w+ )?(" + DAY + r") (\d{1,2}(:\d\d)? ?(am|pm)? )?look",
        r"(teams|zoom|meet|webex) (link|invite|invitation)|(i've|i have) got \d+ min",
    ),
    "SCHEDULING_DELEGATE": (
        r"(to|who will|she will|he will|will) (set up|schedule|book|arrange|organi[sz]e|find) "
        r"(a |the )?(time|slot|" + MEETING_NOUN + ")",
        r"(manages|handles|keeps) my (calendar|diary|agenda)",
    ),
    "DELEGATION": (
        r"(contact|reach out to|get in touch with|speak (to|with)|talk (to|with)|write to|e-?mail)"
        r" (my|our) (colleague|assistant|manager|gm|general manager|revenue manager|owner|"
        r"director|team|sales|marketing|reservations|partner)",
        r"(please|better to|best to|you should|kindly|better off) (contact|reach out to|"
        r"get in touch with|email|write to|talk to|speak(ing)? (to|with)|forward this to) "
        r"(?!me\b|us\b|you\b|again\b)\w+",
        r"((i'?ve|i have|i) (forwarded|passed|sent|shared)|(i'll|i will) (forward|pass)) (this|it|"
        r"your (e-?mail|message|note|request)) (on |along )?(to|with)",
        r"(the|our) (general |hotel )?(manager|owner|director|gm|person in charge|decision maker) is",
        r"(pass|passing|passed) (this|it) (on|along)",
        r"(cc'?d|copied|copying|looping in|looped in)",
        r"(?<!i am )(?<!i'm )the (right|best) (person|contact)",
        r"(not|isn't|is not) (the right|the best|the correct) (person|contact)",
        r"(is|are) (responsible|in charge) (for|of)",
        r"(who|she|he|they) (handles|looks after|takes care of|deals with|manages)",
        r"(my|her|his) (successor|replacement)|replaced by|has taken over",
        r"no longer (with|at|works? (at|for|with)|responsible|in charge)|(has|have) left",
        r"(direct|send|address) (any |all )?(correspondence|enquiries|requests) to",
        r"deals with all (suppliers|vendors)|(handles|deals with) (distribution|marketing|sales)",
    ),
    "NEEDS_INFO": (
        r"(send|share|forward|email) (me |us |over )?(some |more |further |additional |a |an |"
        r"the |your )*(info|information|details|brochure|pricing|prices|price list|rates|proposal|"
        r"deck|presentation|case stud(y|ies)|examples|references|quote|overview|one-pager|pdf)",
        r"more (info|information|details)|further (info|information|details)",
        r"tell (me|us) more|(what|how) (exactly )?(does|would|will|do) (it|this|that|you) "
        r"(cost|charge)",
        r"how much|pricing|prices?\b(?! (war|increase))|your (fees|costs|rates)|(setup|set-up|installation|monthly) (cost|fee)s?",
        r"(is there|do you (have|offer)) (a |any )?(free )?(trial|pilot|demo account)",
        r"how (does|would|will) (it|this|that|your (tool|product|system|service)) work",
        r"(could|can) you (explain|clarify|elaborate|share)",
        r"(does|do|will|would|can) (it|you|this|your \w+) (integrate|connect|work) with",
        r"(which|what) (other )?(hotels|properties|clients|customers|references)",
        r"what (exactly )?(is|are|do) (you|your|it|this)",
        r"do you have (any )?(case stud|references|examples)",
        r"(send|share) (me |us )?(a |your )?(proposal|quote|quotation)",
    ),
    "ASSENT": (r"yes|yeah|yep|sure|ok|okay|great|perfect|fine",),
    "INTERESTED": (
        r"looking forward to (it|hearing|speaking|learning)",
        r"(sounds|looks|seems) (interesting|good|great|promising|useful|relevant)",
        r"(i am|i'm|we are|we're|i'd be|we'd be|would be|could be) (very |quite |definitely |"
        r"really )?(interested|curious|keen|open to (it|this|learning|hearing))",
        r"interested in (learning|hearing|knowing|trying|this|your)",
        r"(could|might|may) (be (useful|interesting|helpful|relevant|of interest|a fit|worth)"
        r"|work for us|help us|interest)",
        r"yes,? please|count (me|us) in|worth (exploring|a look|discussing)|intrigued",
        r"(love|like|happy|keen) to (learn|hear|know|try|see) more",
        r"(i'd|i would) be interested|keep me posted|keep me (in the loop|updated)|"
        r"(let's|lets) (stay|keep) in touch",
        r"(i'm|i am|we're|we are) open to it|this sounds relevant",
    ),
}
