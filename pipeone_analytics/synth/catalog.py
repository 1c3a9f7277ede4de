"""Fixed vocabulary of the synthetic account: names, agents, categories, templates and message texts."""
from __future__ import annotations

import json
import unicodedata

import numpy as np

COMPANY = "Loja Aurora"

FIRST_NAMES = (
    "Ana", "Maria", "Juliana", "Fernanda", "Patrícia", "Aline", "Camila", "Amanda", "Bruna", "Letícia",
    "Beatriz", "Larissa", "Gabriela", "Vanessa", "Natália", "Mariana", "Júlia", "Luana", "Tatiane", "Conceição",
    "Francisca", "Antônia", "Adriana", "Sandra", "Márcia", "José", "João", "Antônio", "Francisco", "Carlos",
    "Paulo", "Pedro", "Lucas", "Luiz", "Marcos", "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo",
    "Bruno", "Eduardo", "Felipe", "Raimundo", "Rodrigo", "Thiago", "André", "Gustavo", "Fábio", "Leonardo",
    "Matheus", "Vinícius", "Guilherme", "Sebastião", "Henrique", "Caio", "Diego", "Otávio", "Igor", "Renato",
)
SURNAMES = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
    "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa",
    "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas",
    "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira", "Araújo", "Pinto", "Correia", "Cavalcanti", "Monteiro",
)
EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com.br", "uol.com.br", "bol.com.br",
                 "terra.com.br", "icloud.com")
EMAIL_DOMAIN_WEIGHTS = (0.46, 0.18, 0.1, 0.08, 0.06, 0.04, 0.03, 0.05)
CITIES = ("São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba", "Porto Alegre", "Brasília", "Salvador",
          "Recife", "Fortaleza", "Campinas", "Goiânia", "Florianópolis", "Vitória", "Manaus", "Belém")
# Area code (DDD) of each city above, so phones look local to the contact.
CITY_DDD = (11, 21, 31, 41, 51, 61, 71, 81, 85, 19, 62, 48, 27, 92, 91)
CITY_WEIGHTS = (0.32, 0.14, 0.08, 0.06, 0.05, 0.05, 0.05, 0.04, 0.04, 0.05, 0.03, 0.03, 0.02, 0.02, 0.02)
SOURCES = ("site", "instagram", "indicação", "loja física", "google", "campanha")
SOURCE_WEIGHTS = (0.3, 0.2, 0.15, 0.15, 0.12, 0.08)
# Phone numbers that look plausible but that phonenumbers rejects (wrong length, unknown area code).
INVALID_PHONES = ("(11) 8765-432", "(20) 91234-5678", "12345", "+55 11 91234", "(11) 91234-56789",
                  "(00) 98888-7777", "9999-999", "+55 (30) 99876-5432")

CHANNELS = ("whatsapp", "webchat", "sms", "email", "instagram", "messenger")
CHANNEL_WEIGHTS = (0.55, 0.2, 0.1, 0.08, 0.04, 0.03)

# (agent_id, name, role, team, median minutes to reply in business hours)
AGENTS = (
    ("a01", "Carla Mendes", "admin", "Atendimento", 6.0),
    ("a02", "Paulo Ribeiro", "admin", None, 12.0),
    ("a03", "Mariana Costa", "manager", "Atendimento", 5.0),
    ("a04", "Ricardo Almeida", "manager", "Vendas", 9.0),
    ("a05", "Sônia Barros", "manager", "Financeiro", 14.0),
    ("a06", "Lucas Ferreira", "agent", "Atendimento", 2.5),
    ("a07", "Juliana Rocha", "agent", "Atendimento", 4.0),
    ("a08", "Thiago Nunes", "agent", "Atendimento", 7.0),
    ("a09", "Bianca Lopes", "agent", "Atendimento", 11.0),
    ("a10", "Rafael Dias", "agent", "Atendimento", 18.0),
    ("a11", "Camila Teixeira", "agent", "Vendas", 3.0),
    ("a12", "Diego Martins", "agent", "Vendas", 8.0),
    ("a13", "Larissa Freitas", "agent", "Vendas", 15.0),
    ("a14", "Renato Cardoso", "agent", "Financeiro", 10.0),
    ("a15", "Aline Moreira", "agent", "Financeiro", 22.0),
)
TEAMS = ("Atendimento", "Vendas", "Financeiro")
TEAM_WEIGHTS = (0.6, 0.25, 0.15)
# Share of a team's conversations taken by each of its members (managers and admins answer less).
ROLE_LOAD = {"agent": 1.0, "manager": 0.35, "admin": 0.12}

# (category_id, name, active); the inactive ones are still used by the oldest tickets.
CATEGORIES = (
    ("cat01", "Dúvida sobre produto", True),
    ("cat02", "Pedido e entrega", True),
    ("cat03", "Pagamento e boleto", True),
    ("cat04", "Troca e devolução", True),
    ("cat05", "Cancelamento", True),
    ("cat06", "Problema de acesso", True),
    ("cat07", "Orçamento", True),
    ("cat08", "Reclamação", True),
    ("cat09", "Campanha de inverno", False),
    ("cat10", "Migração do sistema antigo", False),
)
TICKET_TYPES = ("question", "incident", "problem", "task")
TICKET_NOTES = (
    "Cliente orientado; enviou comprovante.", "Segunda via do boleto enviada.",
    "Encaminhado ao time técnico, resolvido na mesma semana.", "Troca autorizada, coleta agendada.",
    "Cliente pediu retorno por e-mail.", "Senha redefinida com sucesso.", "Orçamento enviado em PDF.",
    "Prazo de entrega confirmado com a transportadora.", "Reembolso aprovado pelo financeiro.",
)

# Templates use Jinja variables: {{ name }} (contact's full name), {{ first_name }} (contact's first
# name), {{ agent_name }} (the sending agent's name) and {{ company }} (the account's company name).
# (template_id, name, body, channel, attachments)
TEMPLATES = (
    ("tpl01", "Boas-vindas",
     "Olá {{ first_name }}! Aqui é {{ agent_name }}, da {{ company }}. Como posso ajudar?", None, None),
    ("tpl02", "Campanha Black Friday",
     "Oi {{ first_name }}, a Black Friday da {{ company }} começou: até 40% de desconto! "
     "Responda SAIR para não receber mais.", "whatsapp",
     [{"name": "black-friday.jpg", "mime_type": "image/jpeg"}]),
    ("tpl03", "Lembrete de pagamento",
     "{{ company }}: {{ first_name }}, seu boleto vence em 3 dias. Segunda via: aurora.com.br/2via",
     "sms", None),
    ("tpl04", "Fora do horário",
     "Olá! Nosso atendimento é de segunda a sexta, das 9h às 18h. Responderemos assim que possível.",
     None, None),
    ("tpl05", "Pesquisa de satisfação",
     "{{ first_name }}, como foi seu atendimento com {{ agent_name }}? Responda com uma nota de 1 a 5.",
     None, None),
    ("tpl06", "Segunda via de boleto",
     "Olá {{ name }}, segue em anexo a segunda via do seu boleto. Qualquer dúvida, estamos à disposição.",
     "email", [{"name": "boleto.pdf", "mime_type": "application/pdf"}]),
    ("tpl07", "Catálogo de produtos",
     "{{ first_name }}, segue nosso catálogo atualizado. Posso separar algum item para você?", "whatsapp",
     [{"name": "catalogo-aurora.pdf", "mime_type": "application/pdf"}]),
    ("tpl08", "Pedido saiu para entrega",
     "{{ company }}: {{ first_name }}, seu pedido saiu para entrega e chega hoje.", "sms", None),
)
# Campaign templates per channel (automation messages that open a conversation), picked at random;
# in November the Black Friday template replaces the chat ones.
CAMPAIGN_TEMPLATES = {"whatsapp": ("tpl07", "tpl07"), "sms": ("tpl03", "tpl08"), "email": ("tpl06", "tpl06"),
                      "webchat": ("tpl07", "tpl07"), "instagram": ("tpl07", "tpl07"), "messenger": ("tpl07", "tpl07")}
SEASONAL_TEMPLATE = ("tpl02", 11)    # (template, month) of the Black Friday campaign
# Campaigns go out in bursts on these weekdays (0 = Monday) at 10:00 local.
CAMPAIGN_WEEKDAYS = (1, 3)
CAMPAIGN_HOUR = 10
AFTER_HOURS_TEMPLATE = "tpl04"
# Templates an agent picks during a conversation: greeting, survey, payment slip, catalog.
AGENT_TEMPLATES = ("tpl01", "tpl05", "tpl06", "tpl07")

# What a conversation is about: its texts, and the ticket it ends with (category, type weights in
# TICKET_TYPES order). (name, share, category_id, type weights, contact openers, contact follow-ups, agent replies)
TOPICS = (
    ("pedido", 0.25, "cat02", (0.35, 0.45, 0.1, 0.1),
     ("Meu pedido ainda não chegou", "Bom dia, preciso de ajuda com meu pedido",
      "Qual o prazo de entrega para Campinas?", "Vocês entregam no sábado?"),
     ("O número é 48213", "Já passou do prazo...", "Ninguém estava em casa na hora da entrega"),
     ("Pode me informar o número do pedido?", "Seu pedido está em rota de entrega.",
      "Estamos verificando com a transportadora.", "O prazo é de 3 a 5 dias úteis.")),
    ("pagamento", 0.2, "cat03", (0.35, 0.1, 0.1, 0.45),
     ("O boleto venceu, como faço?", "Pode mandar a segunda via?", "Paguei ontem, já compensou?",
      "Tem desconto no pix?"),
     ("Segue o comprovante", "Meu CPF é o mesmo do cadastro", "Pode ser no cartão?"),
     ("Enviei a segunda via no seu e-mail.", "Pagamento confirmado ✅", "No pix tem 5% de desconto.",
      "Vou conferir com o financeiro e já te retorno.")),
    ("produto", 0.15, "cat01", (0.8, 0.05, 0.05, 0.1),
     ("Vocês têm esse modelo em azul?", "Esse sofá cabe em sala pequena? Quais as medidas?",
      "Qual a garantia desse produto?", "Tem pronta entrega?"),
     ("E na cor cinza?", "Qual o prazo se eu comprar hoje?"),
     ("Temos sim! Quer que eu separe?", "As medidas estão na ficha do produto: 1,80 x 0,90 m.",
      "A garantia é de 12 meses direto com a gente.")),
    ("acesso", 0.1, "cat06", (0.2, 0.5, 0.2, 0.1),
     ("Não consigo acessar minha conta", "Esqueci minha senha", "O site dá erro no login"),
     ("Continua dando erro", "Agora foi!", "Segue o print do erro"),
     ("Acabei de redefinir sua senha, tente novamente.", "Abri uma solicitação com nosso time técnico.",
      "Pode limpar o cache do navegador e tentar de novo?")),
    ("troca", 0.1, "cat04", (0.2, 0.2, 0.2, 0.4),
     ("Quero trocar um produto", "Chegou com defeito 😕", "Veio a cor errada"),
     ("Segue a foto", "Pode ser coleta em casa?"),
     ("A troca pode ser feita em até 30 dias.", "Pode enviar uma foto do produto?",
      "Troca autorizada! A coleta será agendada.")),
    ("orçamento", 0.08, "cat07", (0.8, 0.0, 0.0, 0.2),
     ("Quanto fica o frete?", "Pode me passar um orçamento para 3 cadeiras?", "Vocês fazem preço para empresa?"),
     ("E parcelado?", "Fecha em 10x?"),
     ("O frete para sua região é R$ 19,90.", "Segue o orçamento: R$ 1.290,00 à vista.",
      "Parcelamos em até 10x sem juros.")),
    ("cancelamento", 0.07, "cat05", (0.1, 0.05, 0.05, 0.8),
     ("Quero cancelar minha compra", "Pode cancelar, por favor", "Como faço para cancelar?"),
     ("Fiz o pedido ontem", "Desisti, achei mais barato"),
     ("Cancelamento realizado. O estorno aparece em até 2 faturas.", "Posso saber o motivo do cancelamento?")),
    ("reclamação", 0.05, "cat08", (0.1, 0.4, 0.4, 0.1),
     ("Ainda não resolveram meu problema", "Já é a terceira vez que entro em contato",
      "Fui mal atendido na loja ontem"),
     ("Quero falar com um supervisor", "Espero uma solução hoje"),
     ("Peço desculpas pelo transtorno.", "Vou transferir para o time responsável.",
      "Registrei sua reclamação com prioridade.")),
)
SALES_TOPICS = ("produto", "orçamento")      # what agents reach out about
TOPIC_TEAMS = {"pagamento": "Financeiro", "produto": "Vendas", "orçamento": "Vendas"}   # else Atendimento
# Share of tickets whose category is not the one of the conversation's topic.
OFF_TOPIC_CATEGORY = 0.12
CONTACT_FOLLOW_UPS = ("Ok", "Perfeito, aguardo", "Vou verificar e te retorno", "👍", "Consegue me ligar?",
                      "Oi, ainda está aí?")
CONTACT_CLOSERS = ("Obrigada!", "Valeu, obrigado", "Recebi, obrigado!", "Resolvido, obrigada 🙏", "Show, valeu!")
AGENT_OPENERS = ("Olá! Tudo bem? Como posso ajudar?", "Oi! Um momento, vou verificar para você.",
                 "Bom dia! Vou te ajudar com isso.")
AGENT_CLOSERS = ("Posso ajudar em algo mais?", "Obrigado pelo contato!", "Qualquer coisa, é só chamar.")
NOTE_TEXTS = (
    "Cliente recorrente, tratar com prioridade.", "Aguardando retorno da transportadora.",
    "Conferir pagamento no sistema financeiro amanhã.", "Cliente irritado, escalar se voltar a escrever.",
    "Já enviamos cupom de 10% como cortesia.", "Pedido duplicado no ERP, avisei o financeiro.",
)
# Share of contact messages that carry a photo or a document.
CONTACT_ATTACHMENTS = (
    json.dumps([{"name": "foto.jpg", "mime_type": "image/jpeg"}]),
    json.dumps([{"name": "comprovante.pdf", "mime_type": "application/pdf"}]),
    json.dumps([{"name": "audio.ogg", "mime_type": "audio/ogg"}]),
)


def text_groups() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Every message text in one tuple, with the start and size of each group.

    Groups: per topic t, 3t = contact openers, 3t+1 = contact follow-ups, 3t+2 = agent replies; then
    the generic groups GENERIC_GROUPS in order.
    """
    groups = [g for topic in TOPICS for g in topic[4:7]]
    groups += [CONTACT_FOLLOW_UPS, CONTACT_CLOSERS, AGENT_OPENERS, AGENT_CLOSERS, NOTE_TEXTS]
    sizes = np.array([len(g) for g in groups])
    return tuple(t for g in groups for t in g), np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes


GENERIC_GROUPS = {"follow_up": 3 * len(TOPICS), "contact_closer": 3 * len(TOPICS) + 1,
                  "agent_opener": 3 * len(TOPICS) + 2, "agent_closer": 3 * len(TOPICS) + 3,
                  "note": 3 * len(TOPICS) + 4}


def ascii_fold(text: str) -> str:
    """Lower-case text without accents, as used in e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
