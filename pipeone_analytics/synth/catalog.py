"""Fixed vocabulary of the synthetic account: names, agents, categories, templates and message texts."""
from __future__ import annotations

import json
import unicodedata

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
TICKET_TYPE_WEIGHTS = (0.45, 0.22, 0.13, 0.2)
# Category weights per ticket type (rows follow TICKET_TYPES, columns the first 8 categories).
TYPE_CATEGORY_WEIGHTS = (
    (0.35, 0.15, 0.15, 0.08, 0.05, 0.04, 0.15, 0.03),
    (0.02, 0.35, 0.18, 0.1, 0.02, 0.23, 0.0, 0.1),
    (0.05, 0.2, 0.2, 0.15, 0.05, 0.15, 0.0, 0.2),
    (0.05, 0.2, 0.25, 0.2, 0.2, 0.05, 0.05, 0.0),
)
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

CONTACT_TEXTS = (
    "Oi, boa tarde!", "Olá, tudo bem?", "Bom dia, preciso de ajuda com meu pedido",
    "Meu pedido ainda não chegou", "Qual o prazo de entrega para Campinas?", "Vocês têm esse modelo em azul?",
    "Não consigo acessar minha conta", "Esqueci minha senha", "Quero trocar um produto",
    "O boleto venceu, como faço?", "Pode mandar a segunda via?", "Quanto fica o frete?",
    "Obrigada!", "Valeu, obrigado", "Ok", "Perfeito, aguardo", "Ainda não resolveu",
    "Vou verificar e te retorno", "Consegue me ligar?", "Segue o comprovante",
    "Quero cancelar minha compra", "Tem desconto no pix?", "Chegou com defeito 😕", "👍",
    "Qual o horário de vocês?", "Paguei ontem, já compensou?", "Meu CPF é o mesmo do cadastro",
    "Vocês entregam no sábado?", "Recebi, obrigado!", "Pode cancelar, por favor",
)
AGENT_TEXTS = (
    "Olá! Tudo bem? Como posso ajudar?", "Um momento, vou verificar para você.",
    "Pode me informar o número do pedido?", "Seu pedido está em rota de entrega.",
    "O prazo é de 3 a 5 dias úteis.", "Enviei a segunda via no seu e-mail.",
    "Consegui localizar aqui, obrigado pela paciência.", "Temos sim! Quer que eu separe?",
    "A troca pode ser feita em até 30 dias.", "Acabei de redefinir sua senha, tente novamente.",
    "O frete para sua região é R$ 19,90.", "No pix tem 5% de desconto.",
    "Abri uma solicitação com nosso time técnico.", "Posso ajudar em algo mais?",
    "Cancelamento realizado. O estorno aparece em até 2 faturas.", "Obrigado pelo contato!",
    "Estamos verificando com a transportadora.", "Pagamento confirmado ✅", "Pode enviar uma foto do produto?",
    "Vou transferir para o time responsável.",
)
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


def ascii_fold(text: str) -> str:
    """Lower-case text without accents, as used in e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
