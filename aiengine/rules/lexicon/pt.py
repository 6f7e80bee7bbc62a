"""Portuguese phrases (Portugal and Brazil), folded (lower case, no accents: "reuniao")."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "AUTO_SUBJECT": (r"resposta automatica|ausencia|fora do escritorio",),
    "UNSUBSCRIBE": (
        r"descadastr(ar|e|em)|remover (meu|o meu) (e-?mail|contato)",
        r"nao (me|nos) (envie|envies|enviem|mande|mandem|contate|contactem|contacte)",
        r"nao (enviem|mandem) mais",
        r"(parem|pare) de (me |nos )?(enviar|mandar|escrever|contactar)",
        r"(retirem|retire|removam|remova|tirem)(-me|-nos) d[aeo]s?",
        r"(remocao|eliminacao) dos (meus|nossos) dados|apaguem os (meus|nossos) dados",
        r"nao (voltem|volte) a (contactar|contatar|escrever)",
        r"nao (quero|queremos) receber (mais )?(emails|e-mails|mensagens)",
    ),
    "OUT_OF_OFFICE": (
        r"fora do escritorio",
        r"(estou|encontro-me|estarei) (ausente|de ferias|fora|de licenca)",
        r"regresso (no dia|a|em)",
    ),
    "AWAY": (r"(estou|estarei) (esta semana )?(numa formacao|em formacao|em viagem|numa feira)",),
    "LEFT_COMPANY": (r"(ja )?nao (trabalha|faz parte)",),
    "NOT_INTERESTED": (
        r"nao (temos|tenho) interesse",
        r"nao (estamos|estou) interessad[oa]s?",
        r"nao,? obrigad[oa]",
        r"nao precisamos",
        r"nao e para nos",
    ),
    "SOFT_NO": (
        r"ja (trabalhamos|temos)",
        r"(sem|nao temos) orcamento",
        r"(agora|neste momento|de momento) nao|nao (neste|de) momento",
        r"(estamos )?satisfeitos",
        r"(acabamos|acabamos de) (renovar|assinar) o contrato|renovamos o contrato",
    ),
    "NEGATED_MEETING": (
        r"(convite|proposta) (para|de) (a |uma )?(reuniao|chamada)",
        r"(orcamento|tempo) (\w+ )?para reunioes",
        r"nao me parece que uma (reuniao|chamada)",
        r"reuniao (de orcamento|de direcao|da administracao|de janeiro)",
    ),
    "MEETING": (
        r"(uma )?(reuniao|chamada|ligacao|videochamada)|me ligue|ligue-me|"
        r"(podemos|vamos) (conversar|falar|marcar)|agendar",
        r"(pode|podem) (me )?ligar|me liga|demonstracao|quando tem disponibilidade",
        r"envie-me um convite|da-lhe jeito",
        r"(um )?link d[oa] (teams|zoom|meet)|tenho \d+ minutos",
    ),
    "DELEGATION": (
        r"(entre|entrar) em contato com|(meu|minha|nosso|nossa|a nossa|o nosso) (colega|"
        r"responsavel|diretora? comercial)|responsavel por",
        r"(vou encaminhar|encaminhei|encaminhe)|quem trata|(pode )?contacta-l[ao]|"
        r"(por favor )?contacte o|coloquei-a em copia|e melhor falar com|quem (a|o) substitui|"
        r"trata dos fornecedores|reencaminho|reencaminhei|encaminho para",
    ),
    "NEEDS_INFO": (
        r"(mais )?informacoes|preco|quanto custa|como funciona|mais detalhes",
        r"apresentacao|tabela de precos|referencias|custo|funciona com",
        r"proposta (com valores|comercial)|orcamento detalhado",
    ),
    "ASSENT": (r"sim|claro",),
    "INTERESTED": (
        r"(parece |muito )?interessante|(estou|estamos) interessad[oa]s?|tenho interesse|"
        r"com prazer",
        r"(estaria|estariamos) interessad[oa]s?|interessa-nos|pode ser-nos util|"
        r"vamos (falando|mantendo o contacto)|estamos abertos",
    ),
}
