"""Spanish phrases, folded (lower case, no accents: "reunion", "informacion")."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "AUTO_SUBJECT": (r"respuesta automatica|fuera de la oficina|ausencia",),
    "UNSUBSCRIBE": (
        r"dar(me|nos)? de baja|darse de baja|(den|de)(me|nos)? de baja",
        r"no (me|nos) (escriba|escribas|envie|envies|contacte|contactes|manden?)(n)?( mas)?",
        r"(dejen|deje|dejad) de (escribir|enviar|contactar|mandar)\w*",
        r"(eliminen|borren|eliminar|borrar|quitar|quiten|saquen|sacar)(me)? (\w+ ){0,2}(de (su|la|"
        r"vuestra) (lista|base de datos)|mis datos|mi (direccion|correo|email))",
        r"(saquen|sacad|quiten|quitad)(me|nos) de",
        r"no (vuelvan|vuelva|volvais) a (contactar|escribir)",
        r"no (quiero|queremos) recibir (mas )?(correos|emails|mensajes|publicidad)",
        r"(supriman|borren|eliminen) mis datos|(dejen|deje) de enviarme",
    ),
    "OUT_OF_OFFICE": (
        r"fuera de la oficina",
        r"(estoy|me encuentro|estare) (ausente|de vacaciones|fuera|de baja)",
        r"(volvere|regresare) el|a mi regreso",
    ),
    "AWAY": (r"(estoy|estare) (esta semana )?(de formacion|de viaje|en una feria)",),
    "LEFT_COMPANY": (r"ya no (trabaja|forma parte|esta con)",),
    "NOT_INTERESTED": (
        r"no (me|nos) interesa",
        r"no (estamos|estoy) interesad[oa]s?",
        r"no,? gracias",
        r"no necesitamos",
        r"no es para nosotros",
    ),
    "SOFT_NO": (
        r"ya (trabajamos|tenemos)",
        r"(sin|no tenemos) presupuesto",
        r"ya estamos (equipados|cubiertos)",
        r"(por ahora|de momento|en este momento|ahora mismo) no|no (por ahora|de momento|"
        r"en este momento)",
        r"quizas mas adelante",
        r"(acabamos de|hemos) (renovar|renovado|firmado) (el|un|nuestro) contrato",
    ),
    "NEGATED_MEETING": (
        r"(propuesta|invitacion) (de|para) (una )?(reunion|llamada)",
        r"(presupuesto|tiempo) (\w+ )?(para|de) reuniones",
        r"no creo que una (reunion|llamada)",
        r"(comite|reunion|junta) (de (enero|direccion|presupuesto)|directiva)",
    ),
    "MEETING": (
        r"(una )?(reunion|llamada|videollamada)|llam(a|e)me|podemos (hablar|vernos|quedar|"
        r"reunirnos)",
        r"hablamos|hablemos|quedamos|agendar|(hagamos|hacemos) un (zoom|teams|meet)",
        r"(puede|puedes) llamarme|una demo|cuando (tienes|tiene) hueco",
        r"enlace de (meet|zoom|teams)|(mandame|enviame|envieme) una invitacion",
        r"(te|le) va bien el",
    ),
    "DELEGATION": (
        r"(contacte|contactar|escriba|escribele|escribale) (a|con)|(mi|nuestro|nuestra) "
        r"(companer[oa]|encargad[oa]|responsable)|se encarga",
        r"(le|lo|la) (paso|reenvio|envio)|reenvie (su|esto)|(este tema|esto) lo lleva",
        r"(mejor )?habla con|(la|lo) pongo en copia|le sustituye|gestiona (los )?proveedores",
    ),
    "NEEDS_INFO": (
        r"(mas )?informacion|precio|cuanto cuesta|como funciona|mas detalles|(saber|conocer) mas|"
        r"referencias|tarifas|se integra|coste",
        r"dossier|presentacion|propuesta (economica|comercial)|presupuesto detallado",
    ),
    "ASSENT": (r"si|claro|vale",),
    "INTERESTED": (
        r"(me parece |muy )?interesante|(estoy|estamos|estaria|estariamos) interesad[oa]s?|"
        r"me interesa|con gusto",
        r"nos interesa|(podria|puede) (sernos|ser) util|seguimos en contacto|"
        r"(estariamos|estamos) abiertos",
    ),
}
