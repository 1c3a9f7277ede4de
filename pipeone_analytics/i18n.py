"""Labels and formats in pt_BR and en: every UI and report takes its words from here."""
from __future__ import annotations

import datetime as dt
from typing import Any

import babel.dates
import babel.numbers
import pandas as pd

LOCALES = ("pt_BR", "en")

STATUSES = {
    "new": {"pt_BR": "Novo", "en": "New"},
    "in_progress": {"pt_BR": "Em andamento", "en": "In progress"},
    "on_hold": {"pt_BR": "Em espera", "en": "On hold"},
    "resolved": {"pt_BR": "Resolvido", "en": "Resolved"},
}

CHANNELS = {
    "whatsapp": {"pt_BR": "WhatsApp", "en": "WhatsApp"},
    "sms": {"pt_BR": "SMS", "en": "SMS"},
    "webchat": {"pt_BR": "Chat do site", "en": "Web chat"},
    "email": {"pt_BR": "E-mail", "en": "Email"},
    "instagram": {"pt_BR": "Instagram", "en": "Instagram"},
    "messenger": {"pt_BR": "Messenger", "en": "Messenger"},
    "telegram": {"pt_BR": "Telegram", "en": "Telegram"},
    "other": {"pt_BR": "Outro", "en": "Other"},
}

TICKET_TYPES = {
    "question": {"pt_BR": "Dúvida", "en": "Question"},
    "incident": {"pt_BR": "Incidente", "en": "Incident"},
    "problem": {"pt_BR": "Problema", "en": "Problem"},
    "task": {"pt_BR": "Tarefa", "en": "Task"},
}

ROLES = {
    "agent": {"pt_BR": "Agente", "en": "Agent"},
    "manager": {"pt_BR": "Gerente", "en": "Manager"},
    "admin": {"pt_BR": "Administrador", "en": "Admin"},
}

# DESIGN 4.4: the meaning table of the 0-5 star rating.
STARS = {
    0: {"pt_BR": "Novo contato", "en": "New contact",
        "condition_pt_BR": "Nenhuma mensagem enviada ou recebida, ou o telefone do contato é inválido",
        "condition_en": "No message sent or received, or the contact's phone number is invalid"},
    1: {"pt_BR": "Sem engajamento", "en": "No engagement",
        "condition_pt_BR": "Ao menos uma mensagem enviada e nenhuma recebida",
        "condition_en": "At least one message sent, none received"},
    2: {"pt_BR": "Contato validado", "en": "Validated contact",
        "condition_pt_BR": "Ao menos uma mensagem recebida, em qualquer canal",
        "condition_en": "At least one message received, on any channel"},
    3: {"pt_BR": "Baixo envolvimento", "en": "Low engagement",
        "condition_pt_BR": "Ao menos uma interação cujas duas mensagens caem no mesmo dia do calendário",
        "condition_en": "At least one interaction whose two messages fall on the same calendar day"},
    4: {"pt_BR": "Engajamento moderado", "en": "Moderate engagement",
        "condition_pt_BR": "Ao menos uma interação, e 90% ou mais das interações levaram até 2 h",
        "condition_en": "At least one interaction, and 90% or more of all interactions took 2 h or less"},
    5: {"pt_BR": "Alto envolvimento", "en": "High engagement",
        "condition_pt_BR": "Ao menos uma interação, e 90% ou mais das interações levaram até 30 min",
        "condition_en": "At least one interaction, and 90% or more of all interactions took 30 min or less"},
}

# Free-form UI and report strings, by key. Add new keys in the section of your area.
MESSAGES: dict[str, dict[str, str]] = {
    # --- common ---
    "no_data": {"pt_BR": "Sem dados para esta seleção", "en": "No data for this selection"},
    "read_only": {"pt_BR": "Somente leitura: defina PIPEONE_USER para agir",
                  "en": "Read-only: set PIPEONE_USER to take actions"},
    "unassigned": {"pt_BR": "Sem responsável", "en": "Unassigned"},
    "unknown_category": {"pt_BR": "Categoria desconhecida", "en": "Unknown category"},
    "inactive_category": {"pt_BR": "{name} (inativa)", "en": "{name} (inactive)"},
    "no_category": {"pt_BR": "Sem categoria", "en": "No category"},
    # --- ingest ---
    # --- status / tickets / timeline ---
    # --- ratings ---
    # Reasons of a rating; {n} interactions, {p30}/{p2h} whole percents rounded down (never shown as 90% when below).
    "rating_reason_invalid_phone": {"pt_BR": "O telefone {phone} é inválido, o que zera a classificação",
                                    "en": "The phone number {phone} is invalid, which forces 0 stars"},
    "rating_reason_none": {"pt_BR": "Nenhuma mensagem enviada ou recebida",
                           "en": "No message sent or received"},
    "rating_reason_sent_only": {"pt_BR": "{sent} mensagens enviadas, nenhuma recebida",
                                "en": "{sent} messages sent, none received"},
    "rating_reason_sent_only_one": {"pt_BR": "1 mensagem enviada, nenhuma recebida",
                                    "en": "1 message sent, none received"},
    "rating_reason_received": {"pt_BR": "{received} mensagens recebidas, ainda sem nenhuma interação",
                               "en": "{received} messages received, no interaction yet"},
    "rating_reason_received_one": {"pt_BR": "1 mensagem recebida, ainda sem nenhuma interação",
                                    "en": "1 message received, no interaction yet"},
    "rating_reason_2": {"pt_BR": "Nenhuma das {n} interações ficou no mesmo dia e só {p2h}% levaram até 2 h",
                        "en": "None of {n} interactions stayed within one day and only {p2h}% took 2 h or less"},
    "rating_reason_2_one": {"pt_BR": "A única interação passou de um dia para outro e levou mais de 2 h",
                            "en": "The only interaction ran into the next day and took more than 2 h"},
    "rating_reason_3": {"pt_BR": "{same_day} de {n} interações ficaram no mesmo dia, mas só {p2h}% levaram até 2 h",
                        "en": "{same_day} of {n} interactions stayed within one day, but only {p2h}% took 2 h or less"},
    "rating_reason_3_one": {"pt_BR": "A única interação ficou no mesmo dia, mas levou mais de 2 h",
                            "en": "The only interaction stayed within one day, but took more than 2 h"},
    "rating_reason_4": {"pt_BR": "{p2h}% de {n} interações levaram até 2 h",
                        "en": "{p2h}% of {n} interactions took 2 h or less"},
    "rating_reason_4_one": {"pt_BR": "A única interação levou até 2 h",
                            "en": "The only interaction took 2 h or less"},
    "rating_reason_5": {"pt_BR": "{p30}% de {n} interações levaram até 30 min",
                        "en": "{p30}% of {n} interactions took 30 min or less"},
    "rating_reason_5_one": {"pt_BR": "A única interação levou até 30 min",
                            "en": "The only interaction took 30 min or less"},
    # --- response times ---
    "rt_first_response_time": {"pt_BR": "Tempo da primeira resposta", "en": "First response time"},
    "rt_reply_time": {"pt_BR": "Tempo de resposta do agente", "en": "Agent reply time"},
    "rt_contact_reply_time": {"pt_BR": "Tempo de resposta do contato", "en": "Contact reply time"},
    "rt_resolution_time": {"pt_BR": "Tempo de resolução", "en": "Resolution time"},
    "rt_time_in_status": {"pt_BR": "Tempo no status", "en": "Time in status"},
    "rt_calendar": {"pt_BR": "Tempo corrido", "en": "Calendar time"},
    "rt_business": {"pt_BR": "Horário comercial", "en": "Business hours"},
    "rt_open": {"pt_BR": "Em aberto", "en": "Open"},
    "rt_count": {"pt_BR": "Medidos", "en": "Measured"},
    "rt_within": {"pt_BR": "Dentro de {limit}", "en": "Within {limit}"},
    "rt_outliers": {"pt_BR": "Os {n} mais lentos", "en": "The {n} slowest"},
    # --- ops ---
    "ops_read_only": {"pt_BR": "sessão somente leitura: sem usuário, não é possível {action} (defina "
                               "JUPYTERHUB_USER ou PIPEONE_USER com um membro da equipe)",
                      "en": "read-only session: no acting user, so you cannot {action} (set JUPYTERHUB_USER or "
                            "PIPEONE_USER to a teammate)"},
    "ops_unknown_user": {"pt_BR": "o usuário '{user}' ({variable}) não é membro da equipe",
                         "en": "acting user '{user}' ({variable}) is not a teammate"},
    "ops_ambiguous_user": {"pt_BR": "o usuário '{user}' ({variable}) corresponde a vários membros: {ids}",
                           "en": "acting user '{user}' ({variable}) matches several teammates: {ids}"},
    "ops_inactive_user": {"pt_BR": "o usuário '{user}' ({variable}) está desativado",
                          "en": "acting user '{user}' ({variable}) is deactivated"},
    "ops_needs_role": {"pt_BR": "{user} ({role}) não pode {action}: é preciso o papel {needed}",
                       "en": "{user} ({role}) cannot {action}: needs the {needed} role"},
    "ops_unassigned": {"pt_BR": "{user} ({role}) não pode {action}: a conversa {conversation} está sem "
                                "responsável; assuma-a antes, ou é preciso o papel {needed}",
                       "en": "{user} ({role}) cannot {action}: conversation {conversation} is unassigned; take "
                             "it first, or it needs the {needed} role"},
    "ops_assigned_other": {"pt_BR": "{user} ({role}) não pode {action}: a conversa {conversation} está com "
                                    "{assignee}; é preciso o papel {needed}",
                           "en": "{user} ({role}) cannot {action}: conversation {conversation} is assigned to "
                                 "{assignee}; needs the {needed} role"},
    "ops_action_take": {"pt_BR": "assumir a conversa", "en": "take the conversation"},
    "ops_action_assign": {"pt_BR": "atribuir ou transferir a conversa", "en": "assign or transfer the conversation"},
    "ops_action_set_status": {"pt_BR": "mudar o status da conversa", "en": "change the conversation's status"},
    "ops_action_resolve": {"pt_BR": "resolver a conversa", "en": "resolve the conversation"},
    "ops_action_reopen": {"pt_BR": "reabrir a conversa", "en": "reopen the conversation"},
    "ops_action_compose": {"pt_BR": "responder na conversa", "en": "reply in the conversation"},
    "ops_action_add_contact": {"pt_BR": "adicionar contatos", "en": "add contacts"},
    "ops_action_edit_contact": {"pt_BR": "editar contatos", "en": "edit contacts"},
    "ops_action_export_outbox": {"pt_BR": "exportar a caixa de saída", "en": "export the outbox"},
    "ops_action_manage_teammates": {"pt_BR": "gerenciar a equipe", "en": "manage teammates"},
    "ops_action_manage_categories": {"pt_BR": "gerenciar categorias", "en": "manage categories"},
    "ops_action_manage_templates": {"pt_BR": "gerenciar modelos de mensagem", "en": "manage templates"},
    "ops_action_manage_settings": {"pt_BR": "alterar configurações", "en": "change settings"},
    "ops_unknown_conversation": {"pt_BR": "não existe a conversa {conversation}",
                                 "en": "no conversation {conversation}"},
    "ops_unknown_agent": {"pt_BR": "não existe o membro da equipe {agent}", "en": "no teammate {agent}"},
    "ops_inactive_agent": {"pt_BR": "{agent} está desativado e não pode receber conversas",
                           "en": "{agent} is deactivated and cannot be given conversations"},
    "ops_transfer_unassigned": {"pt_BR": "a conversa {conversation} está sem responsável: atribua em vez de "
                                         "transferir",
                                "en": "conversation {conversation} is unassigned: assign it instead of transferring"},
    "ops_already_assigned": {"pt_BR": "a conversa {conversation} já está com {agent}",
                             "en": "conversation {conversation} is already assigned to {agent}"},
    "ops_bad_status": {"pt_BR": "status '{status}' não pode ser definido; use {allowed}",
                       "en": "status '{status}' cannot be set; use {allowed}"},
    "ops_resolved_reopen_first": {"pt_BR": "a conversa {conversation} está resolvida: reabra-a antes",
                                  "en": "conversation {conversation} is resolved: reopen it first"},
    "ops_same_status": {"pt_BR": "a conversa {conversation} já está em '{status}'",
                        "en": "conversation {conversation} is already '{status}'"},
    "ops_already_resolved": {"pt_BR": "a conversa {conversation} já está resolvida",
                             "en": "conversation {conversation} is already resolved"},
    "ops_not_resolved": {"pt_BR": "a conversa {conversation} não está resolvida, então não pode ser reaberta",
                         "en": "conversation {conversation} is not resolved, so it cannot be reopened"},
    "ops_bad_ticket_type": {"pt_BR": "tipo de ticket '{type}' desconhecido; use {allowed}",
                            "en": "unknown ticket type '{type}'; use {allowed}"},
    "ops_unknown_category": {"pt_BR": "não existe a categoria {category}", "en": "no category {category}"},
    "ops_inactive_category": {"pt_BR": "a categoria '{category}' está desativada",
                              "en": "category '{category}' is deactivated"},
    "ops_bad_email": {"pt_BR": "'{email}' não é um e-mail", "en": "'{email}' is not an email address"},
    "ops_attribute_reserved": {"pt_BR": "'{attribute}' é um campo do contato, não um atributo personalizado",
                               "en": "'{attribute}' is a contact field, not a custom attribute"},
    "ops_contact_exists": {"pt_BR": "o contato {contact} já existe", "en": "contact {contact} already exists"},
    "ops_unknown_contact": {"pt_BR": "não existe o contato {contact}", "en": "no contact {contact}"},
    "ops_nothing_changed": {"pt_BR": "nada a alterar em {target}", "en": "nothing to change on {target}"},
    "ops_last_admin": {"pt_BR": "{agent} é o último administrador ativo: promova outro antes",
                       "en": "{agent} is the last active admin: make someone else admin first"},
    "ops_bad_role": {"pt_BR": "papel '{role}' desconhecido; use {allowed}",
                     "en": "unknown role '{role}'; use {allowed}"},
    "ops_teammate_required": {"pt_BR": "um membro da equipe precisa de id e nome",
                              "en": "a teammate needs an id and a name"},
    "ops_teammate_exists": {"pt_BR": "o membro da equipe {agent} já existe", "en": "teammate {agent} already exists"},
    "ops_category_exists": {"pt_BR": "já existe uma categoria ativa '{name}'",
                            "en": "an active category '{name}' already exists"},
    "ops_category_id_exists": {"pt_BR": "a categoria {category} já existe", "en": "category {category} already exists"},
    "ops_setting_not_json": {"pt_BR": "o valor de '{setting}' não pode ser guardado como JSON",
                             "en": "the value of '{setting}' cannot be stored as JSON"},
    "ops_name_required": {"pt_BR": "o nome é obrigatório", "en": "a name is required"},
    "ops_body_required": {"pt_BR": "a mensagem está vazia", "en": "the message is empty"},
    "ops_body_or_template": {"pt_BR": "escreva um texto ou escolha um modelo (um dos dois)",
                             "en": "give either a text or a template, not both or neither"},
    "ops_choose_channel": {"pt_BR": "o contato {contact} não tem canal de resposta padrão: escolha um canal",
                           "en": "contact {contact} has no default reply channel: choose a channel"},
    "ops_unknown_channel": {"pt_BR": "canal '{channel}' desconhecido; use {known}",
                            "en": "unknown channel '{channel}'; use {known}"},
    "ops_unknown_template": {"pt_BR": "não existe o modelo {template}", "en": "no template {template}"},
    "ops_template_channel": {"pt_BR": "o modelo {template} é do canal {template_channel}, não de {channel}",
                             "en": "template {template} is for {template_channel}, not {channel}"},
    "ops_template_syntax": {"pt_BR": "erro de sintaxe no modelo, linha {line}: {message}",
                            "en": "template syntax error on line {line}: {message}"},
    "ops_template_missing": {"pt_BR": "a variável '{variable}' do modelo não existe para este contato; "
                                      "disponíveis: {available}",
                             "en": "template variable '{variable}' is not available for this contact; "
                                   "available: {available}"},
    "ops_template_unsafe": {"pt_BR": "o modelo usa algo não permitido: {message}",
                            "en": "the template uses something not allowed: {message}"},
    "ops_attachment_missing": {"pt_BR": "o anexo {path} não existe", "en": "attachment {path} does not exist"},
    "ops_attachment_type": {"pt_BR": "tipo de anexo não permitido: {name}; extensões aceitas: {known}",
                            "en": "attachment type not allowed: {name}; accepted extensions: {known}"},
    "ops_attachment_channel": {"pt_BR": "o canal {channel} não aceita anexos",
                               "en": "the {channel} channel takes no attachments"},
    "ops_attachment_type_channel": {"pt_BR": "o canal {channel} não aceita {name} ({mime})",
                                    "en": "the {channel} channel does not take {name} ({mime})"},
    "ops_attachment_size": {"pt_BR": "o anexo {name} tem {size}; o limite do canal {channel} é {limit}",
                            "en": "attachment {name} is {size}; the {channel} limit is {limit}"},
    "ops_outbox_suffix": {"pt_BR": "a caixa de saída é exportada em .jsonl, não em {path}",
                          "en": "the outbox is exported as .jsonl, not {path}"},
    "ops_outbox_exists": {"pt_BR": "{path} já existe: o gateway ainda não o recolheu; escolha outro nome",
                          "en": "{path} already exists: the gateway has not picked it up yet; choose another name"},
    # --- inbox ---
    "inbox_title": {"pt_BR": "Conversas", "en": "Conversations"},
    "inbox_acting_as": {"pt_BR": "Atuando como {name} ({role})", "en": "Acting as {name} ({role})"},
    "inbox_refresh": {"pt_BR": "Atualizar", "en": "Refresh"},
    "inbox_refreshed": {"pt_BR": "Atualizado", "en": "Refreshed"},
    "inbox_unexpected": {"pt_BR": "Erro inesperado: {error}", "en": "Unexpected error: {error}"},
    "inbox_conversations": {"pt_BR": "Conversas", "en": "Conversations"},
    "inbox_search_placeholder": {"pt_BR": "Buscar nome, telefone ou mensagem", "en": "Search name, phone or message"},
    "inbox_status": {"pt_BR": "Status", "en": "Status"},
    "inbox_all_statuses": {"pt_BR": "Todos os status", "en": "All statuses"},
    "inbox_channel": {"pt_BR": "Canal", "en": "Channel"},
    "inbox_all_channels": {"pt_BR": "Todos os canais", "en": "All channels"},
    "inbox_assignee": {"pt_BR": "Responsável", "en": "Assignee"},
    "inbox_everyone": {"pt_BR": "Todos", "en": "Everyone"},
    "inbox_mine": {"pt_BR": "Minhas", "en": "Mine"},
    "inbox_unassigned_filter": {"pt_BR": "Sem responsável", "en": "Unassigned"},
    "inbox_load_more": {"pt_BR": "Carregar mais", "en": "Load more"},
    "inbox_shown": {"pt_BR": "{n} conversas", "en": "{n} conversations"},
    "inbox_no_conversations": {"pt_BR": "Nenhuma conversa com estes filtros",
                               "en": "No conversation matches these filters"},
    "inbox_open": {"pt_BR": "Abrir conversa com {who}", "en": "Open conversation with {who}"},
    "inbox_no_messages": {"pt_BR": "sem mensagens", "en": "no messages"},
    "inbox_unanswered": {"pt_BR": "Sem resposta", "en": "Unanswered"},
    "inbox_timeline_channel": {"pt_BR": "Canal da linha", "en": "Timeline channel"},
    "inbox_load_older": {"pt_BR": "Carregar anteriores", "en": "Load older"},
    "inbox_pick_conversation": {"pt_BR": "Escolha uma conversa à esquerda", "en": "Pick a conversation on the left"},
    "inbox_timeline_empty": {"pt_BR": "Nada nesta linha do tempo para este filtro",
                             "en": "Nothing on this timeline for this filter"},
    "inbox_conversation": {"pt_BR": "Conversa", "en": "Conversation"},
    "inbox_automation": {"pt_BR": "Automação", "en": "Automation"},
    "inbox_note": {"pt_BR": "Nota interna", "en": "Private note"},
    "inbox_system": {"pt_BR": "Sistema", "en": "System"},
    "inbox_ticket": {"pt_BR": "Ticket: {type}", "en": "Ticket: {type}"},
    "inbox_event_transfer": {"pt_BR": "{actor} transferiu de {source} para {target}",
                             "en": "{actor} transferred from {source} to {target}"},
    "inbox_event_assigned": {"pt_BR": "{actor} atribuiu a {target}", "en": "{actor} assigned to {target}"},
    "inbox_event_resolved": {"pt_BR": "{actor} resolveu a conversa", "en": "{actor} resolved the conversation"},
    "inbox_event_reopened": {"pt_BR": "{actor} reabriu a conversa", "en": "{actor} reopened the conversation"},
    "inbox_event_status": {"pt_BR": "{actor} mudou o status para {status}", "en": "{actor} set the status to {status}"},
    "inbox_open_profile": {"pt_BR": "Abrir o perfil do contato", "en": "Open the contact profile"},
    "inbox_transfer_to": {"pt_BR": "Transferir a", "en": "Transfer to"},
    "inbox_transfer": {"pt_BR": "Transferir", "en": "Transfer"},
    "inbox_pick_agent": {"pt_BR": "Escolha um agente ativo", "en": "Pick an active agent"},
    "inbox_in_progress": {"pt_BR": "Em andamento", "en": "In progress"},
    "inbox_on_hold": {"pt_BR": "Em espera", "en": "On hold"},
    "inbox_reopen": {"pt_BR": "Reabrir", "en": "Reopen"},
    "inbox_resolve": {"pt_BR": "Resolver", "en": "Resolve"},
    "inbox_resolve_title": {"pt_BR": "Resolver a conversa com um ticket", "en": "Resolve the conversation with a ticket"},
    "inbox_ticket_type": {"pt_BR": "Tipo", "en": "Type"},
    "inbox_category": {"pt_BR": "Categoria", "en": "Category"},
    "inbox_ticket_note": {"pt_BR": "Nota do ticket (opcional)", "en": "Ticket note (optional)"},
    "inbox_confirm_resolve": {"pt_BR": "Confirmar resolução", "en": "Confirm resolve"},
    "inbox_cancel": {"pt_BR": "Cancelar", "en": "Cancel"},
    "inbox_done_transfer": {"pt_BR": "Transferida para {agent}", "en": "Transferred to {agent}"},
    "inbox_done_status": {"pt_BR": "Status: {status}", "en": "Status: {status}"},
    "inbox_done_reopen": {"pt_BR": "Conversa reaberta", "en": "Conversation reopened"},
    "inbox_done_resolve": {"pt_BR": "Conversa resolvida; o ticket está na linha do tempo",
                           "en": "Conversation resolved; the ticket is on the timeline"},
    "inbox_reply_channel": {"pt_BR": "Responder por", "en": "Reply via"},
    "inbox_choose_channel": {"pt_BR": "Escolha um canal", "en": "Choose a channel"},
    "inbox_template": {"pt_BR": "Modelo", "en": "Template"},
    "inbox_no_template": {"pt_BR": "Sem modelo (texto livre)", "en": "No template (free text)"},
    "inbox_reply_placeholder": {"pt_BR": "Escreva uma resposta", "en": "Write a reply"},
    "inbox_attach": {"pt_BR": "Anexar", "en": "Attach"},
    "inbox_send": {"pt_BR": "Enviar", "en": "Send"},
    "inbox_preview": {"pt_BR": "Prévia do modelo", "en": "Template preview"},
    "inbox_sms_segments": {"pt_BR": "SMS: {n} segmento(s), {encoding}", "en": "SMS: {n} segment(s), {encoding}"},
    "inbox_done_send": {"pt_BR": "Mensagem na caixa de saída", "en": "Message queued in the outbox"},
    "inbox_profile": {"pt_BR": "Contato", "en": "Contact"},
    "inbox_profile_hint": {"pt_BR": "Clique no nome ou telefone do contato para abrir o perfil",
                           "en": "Click the contact's name or phone to open the profile"},
    "inbox_stars_tooltip": {"pt_BR": "O que significam as estrelas", "en": "What the stars mean"},
    "inbox_name": {"pt_BR": "Nome", "en": "Name"},
    "inbox_phone": {"pt_BR": "Telefone", "en": "Phone"},
    "inbox_email": {"pt_BR": "E-mail", "en": "Email"},
    "inbox_save_contact": {"pt_BR": "Salvar contato", "en": "Save contact"},
    "inbox_contact_saved": {"pt_BR": "Contato salvo", "en": "Contact saved"},
    "inbox_nothing_to_save": {"pt_BR": "Nada mudou", "en": "Nothing changed"},
    "inbox_attributes": {"pt_BR": "Atributos personalizados", "en": "Custom attributes"},
    "inbox_no_attributes": {"pt_BR": "Nenhum atributo", "en": "No attributes"},
    "inbox_attribute_key": {"pt_BR": "Atributo", "en": "Attribute"},
    "inbox_attribute_value": {"pt_BR": "Valor", "en": "Value"},
    "inbox_add_attribute": {"pt_BR": "Adicionar", "en": "Add"},
    "inbox_attribute_key_required": {"pt_BR": "Dê um nome ao atributo", "en": "Give the attribute a name"},
    "inbox_no_phone": {"pt_BR": "sem telefone", "en": "no phone"},
    "inbox_valid": {"pt_BR": "telefone válido", "en": "valid phone"},
    "inbox_invalid": {"pt_BR": "telefone inválido", "en": "invalid phone"},
    "inbox_phone_valid": {"pt_BR": "Telefone", "en": "Phone"},
    "inbox_sent": {"pt_BR": "Enviadas", "en": "Sent"},
    "inbox_received": {"pt_BR": "Recebidas", "en": "Received"},
    "inbox_interactions": {"pt_BR": "Interações", "en": "Interactions"},
    "inbox_same_day": {"pt_BR": "Interações no mesmo dia", "en": "Same-day interactions"},
    "inbox_within_30m": {"pt_BR": "Até 30 min", "en": "Within 30 min"},
    "inbox_within_2h": {"pt_BR": "Até 2 h", "en": "Within 2 h"},
    # --- dashboards ---
    "dash_click_hint": {"pt_BR": "Clique numa barra ou célula para ver as linhas por trás dela",
                        "en": "Click a bar or a cell to see the rows behind it"},
    "dash_bad_period": {"pt_BR": "O início do período é depois do fim", "en": "The period starts after it ends"},
    "dash_timeline_of": {"pt_BR": "Linha do tempo de", "en": "Timeline of"},
    "dash_col_at": {"pt_BR": "Quando", "en": "When"},
    "dash_col_kind": {"pt_BR": "Tipo", "en": "Kind"},
    "dash_col_channel": {"pt_BR": "Canal", "en": "Channel"},
    "dash_col_direction": {"pt_BR": "Direção", "en": "Direction"},
    "dash_col_agent": {"pt_BR": "Agente", "en": "Agent"},
    "dash_col_body": {"pt_BR": "Texto", "en": "Text"},
    "dash_col_contact": {"pt_BR": "Contato", "en": "Contact"},
    "dash_col_stars": {"pt_BR": "Estrelas", "en": "Stars"},
    "dash_col_from_stars": {"pt_BR": "De (estrelas)", "en": "From (stars)"},
    "dash_col_to_stars": {"pt_BR": "Para (estrelas)", "en": "To (stars)"},
    "dash_col_reason": {"pt_BR": "Explicação", "en": "Explanation"},
    "dash_col_contacts": {"pt_BR": "Contatos", "en": "Contacts"},
    "dash_col_share": {"pt_BR": "Participação", "en": "Share"},
    "dash_col_month_end": {"pt_BR": "Fim do mês", "en": "Month end"},
    "dash_col_week": {"pt_BR": "Semana", "en": "Week"},
    "dash_col_day": {"pt_BR": "Dia", "en": "Day"},
    "dash_col_tickets": {"pt_BR": "Tickets", "en": "Tickets"},
    "dash_col_category": {"pt_BR": "Categoria", "en": "Category"},
    "dash_col_type": {"pt_BR": "Tipo", "en": "Type"},
    "dash_col_resolved_at": {"pt_BR": "Resolvido em", "en": "Resolved at"},
    "dash_col_note": {"pt_BR": "Nota de resolução", "en": "Resolution note"},
    "dash_col_conversation": {"pt_BR": "Conversa", "en": "Conversation"},
    "dash_col_trend": {"pt_BR": "Tendência", "en": "Trend"},
    "dash_col_previous": {"pt_BR": "Período anterior", "en": "Previous period"},
    "dash_col_count": {"pt_BR": "Quantidade", "en": "Count"},
    "dash_col_median": {"pt_BR": "Mediana", "en": "Median"},
    "dash_col_sla": {"pt_BR": "SLA {threshold}", "en": "SLA {threshold}"},
    "dash_col_rank": {"pt_BR": "Posição", "en": "Rank"},
    "dash_col_from_message": {"pt_BR": "Mensagem inicial", "en": "From message"},
    "dash_col_to_message": {"pt_BR": "Mensagem de resposta", "en": "To message"},
    "dash_col_from_at": {"pt_BR": "Início", "en": "From"},
    "dash_col_to_at": {"pt_BR": "Fim", "en": "To"},
    "dash_col_duration": {"pt_BR": "Duração", "en": "Duration"},
    "dash_col_threshold": {"pt_BR": "Limite do SLA", "en": "SLA threshold"},
    "dash_col_ledger": {"pt_BR": "Interação (razão)", "en": "Ledger interaction"},
    "dash_col_status": {"pt_BR": "Situação", "en": "Status"},
    "dash_col_status_since": {"pt_BR": "Desde", "en": "Since"},
    "dash_col_messages": {"pt_BR": "Mensagens", "en": "Messages"},
    "dash_col_hour": {"pt_BR": "Hora", "en": "Hour"},
    "dash_col_weekday": {"pt_BR": "Dia da semana", "en": "Weekday"},
    "dash_col_minutes": {"pt_BR": "Minutos", "en": "Minutes"},
    "dash_col_hours": {"pt_BR": "Horas", "en": "Hours"},
    "dash_col_conversations": {"pt_BR": "Conversas", "en": "Conversations"},
    "dash_col_reopens": {"pt_BR": "Reaberturas", "en": "Reopens"},
    "dash_kind_message": {"pt_BR": "Mensagem", "en": "Message"},
    "dash_kind_note": {"pt_BR": "Nota", "en": "Note"},
    "dash_kind_automation": {"pt_BR": "Automação", "en": "Automation"},
    "dash_kind_event": {"pt_BR": "Evento", "en": "Event"},
    "dash_kind_transfer": {"pt_BR": "Transferência", "en": "Transfer"},
    "dash_kind_ticket": {"pt_BR": "Ticket", "en": "Ticket"},
    "dash_engagement": {"pt_BR": "Engajamento dos contatos", "en": "Contact engagement"},
    "dash_fig_stars": {"pt_BR": "Distribuição das estrelas", "en": "Star distribution"},
    "dash_fig_stars_channel": {"pt_BR": "Estrelas por canal principal", "en": "Stars by main channel"},
    "dash_fig_history": {"pt_BR": "Histórico das estrelas no fim de cada mês", "en": "Stars as of each month end"},
    "dash_fig_transitions": {"pt_BR": "Transições de {start} a {end}", "en": "Transitions from {start} to {end}"},
    "dash_kpi_contacts": {"pt_BR": "Contatos", "en": "Contacts"},
    "dash_kpi_mean_stars": {"pt_BR": "Média de estrelas", "en": "Mean stars"},
    "dash_kpi_engaged": {"pt_BR": "Engajados (4–5 ★)", "en": "Engaged (4–5 ★)"},
    "dash_kpi_up": {"pt_BR": "Subiram", "en": "Went up"},
    "dash_kpi_down": {"pt_BR": "Caíram", "en": "Went down"},
    "dash_drill_stars": {"pt_BR": "Contatos com {stars} ★", "en": "Contacts with {stars} ★"},
    "dash_drill_stars_channel": {"pt_BR": "Contatos com {stars} ★ em {channel}",
                                 "en": "Contacts with {stars} ★ on {channel}"},
    "dash_drill_transition": {"pt_BR": "Contatos de {from_stars} ★ para {to_stars} ★",
                              "en": "Contacts from {from_stars} ★ to {to_stars} ★"},
    "dash_tickets": {"pt_BR": "Tickets e categorias", "en": "Tickets and categories"},
    "dash_fig_by_type": {"pt_BR": "Tickets por tipo, por semana", "en": "Tickets by type, per week"},
    "dash_fig_by_category": {"pt_BR": "Tickets por categoria, por semana", "en": "Tickets by category, per week"},
    "dash_fig_category_channel": {"pt_BR": "Categoria × canal", "en": "Category × channel"},
    "dash_fig_category_agent": {"pt_BR": "Categoria × agente", "en": "Category × agent"},
    "dash_fig_top_trend": {"pt_BR": "Principais categorias: tendência semanal", "en": "Top categories: weekly trend"},
    "dash_top_categories": {"pt_BR": "Principais categorias", "en": "Top categories"},
    "dash_kpi_tickets": {"pt_BR": "Tickets no período", "en": "Tickets in the period"},
    "dash_kpi_categorized": {"pt_BR": "Com categoria", "en": "With a category"},
    "dash_kpi_top_category": {"pt_BR": "Categoria mais frequente", "en": "Most frequent category"},
    "dash_kpi_change": {"pt_BR": "Variação vs. período anterior", "en": "Change vs. previous period"},
    "dash_drill_tickets": {"pt_BR": "Tickets: {what}", "en": "Tickets: {what}"},
    "dash_response": {"pt_BR": "Auditoria de tempos de resposta", "en": "Response-time audit"},
    "dash_metric_first_response_time": {"pt_BR": "Primeira resposta", "en": "First response"},
    "dash_metric_reply_time": {"pt_BR": "Resposta do agente", "en": "Agent reply"},
    "dash_metric_resolution_time": {"pt_BR": "Resolução", "en": "Resolution"},
    "dash_fig_hist": {"pt_BR": "{metric}: distribuição (escala log)", "en": "{metric}: distribution (log scale)"},
    "dash_axis_time": {"pt_BR": "Tempo ({unit}, escala log)", "en": "Time ({unit}, log scale)"},
    "dash_fig_sla": {"pt_BR": "Cumprimento do SLA", "en": "SLA attainment"},
    "dash_axis_within": {"pt_BR": "Dentro do prazo", "en": "Within the threshold"},
    "dash_fig_heatmap": {"pt_BR": "Mediana da resposta do agente (min) por dia da semana × hora",
                         "en": "Median agent reply (min) by weekday × hour"},
    "dash_agents_table": {"pt_BR": "Por agente: resposta do agente", "en": "Per agent: agent reply"},
    "dash_outliers": {"pt_BR": "Casos extremos: respostas mais lentas", "en": "Outliers: the slowest replies"},
    "dash_outlier_pick": {"pt_BR": "Abrir caso", "en": "Open case"},
    "dash_kpi_median": {"pt_BR": "Mediana · {metric}", "en": "Median · {metric}"},
    "dash_kpi_p90": {"pt_BR": "p90 · {metric}", "en": "p90 · {metric}"},
    "dash_kpi_sla": {"pt_BR": "{metric} em até {threshold}", "en": "{metric} within {threshold}"},
    "dash_business_note": {"pt_BR": "Tempos em horário comercial", "en": "Times in business hours"},
    "dash_drill_bin": {"pt_BR": "{metric} entre {low} e {high}", "en": "{metric} between {low} and {high}"},
    "dash_drill_outlier": {"pt_BR": "Caso nº {rank}: linhas do razão de interações",
                           "en": "Case #{rank}: interaction ledger rows"},
    "dash_channels": {"pt_BR": "Canais e fila", "en": "Channels and backlog"},
    "dash_fig_volume": {"pt_BR": "Mensagens por canal, por dia", "en": "Messages by channel, per day"},
    "dash_fig_backlog": {"pt_BR": "Fila por situação no fim de cada dia", "en": "Backlog by status at each day's end"},
    "dash_fig_time_in_status": {"pt_BR": "Tempo em cada situação (h)", "en": "Time in each status (h)"},
    "dash_fig_reopens": {"pt_BR": "Reaberturas por dia", "en": "Reopens per day"},
    "dash_kpi_messages": {"pt_BR": "Mensagens", "en": "Messages"},
    "dash_kpi_open_backlog": {"pt_BR": "Fila aberta no último dia", "en": "Open backlog on the last day"},
    "dash_kpi_reopens": {"pt_BR": "Reaberturas", "en": "Reopens"},
    "dash_kpi_top_channel": {"pt_BR": "Canal com mais mensagens", "en": "Busiest channel"},
    "dash_drill_backlog": {"pt_BR": "Conversas em {status} no fim de {day}", "en": "Conversations {status} at the end of {day}"},
    # --- reports ---
    "report_index_title": {"pt_BR": "Relatórios", "en": "Reports"},
    "report_no_runs": {"pt_BR": "Nenhum relatório gerado ainda", "en": "No report rendered yet"},
    "report_col_name": {"pt_BR": "Relatório", "en": "Report"},
    "report_col_period": {"pt_BR": "Período", "en": "Period"},
    "report_col_status": {"pt_BR": "Situação", "en": "Status"},
    "report_col_started": {"pt_BR": "Início", "en": "Started"},
    "report_col_duration": {"pt_BR": "Duração", "en": "Duration"},
    "report_col_output": {"pt_BR": "Arquivos", "en": "Files"},
    "report_col_error": {"pt_BR": "Erro", "en": "Error"},
    "report_link_html": {"pt_BR": "relatório", "en": "report"},
    "report_link_notebook": {"pt_BR": "notebook", "en": "notebook"},
    "report_status_ok": {"pt_BR": "ok", "en": "ok"},
    "report_status_failed": {"pt_BR": "falhou", "en": "failed"},
    "report_status_running": {"pt_BR": "em execução", "en": "running"},
    "report_title_weekly_summary": {"pt_BR": "Resumo semanal", "en": "Weekly summary"},
    "report_title_response_time_audit": {"pt_BR": "Auditoria de tempos de resposta", "en": "Response time audit"},
    "report_title_engagement_report": {"pt_BR": "Relatório de engajamento", "en": "Engagement report"},
    "report_subtitle": {"pt_BR": "{start} a {end}, comparado com {prev_start} a {prev_end} · fuso {tz}",
                        "en": "{start} to {end}, compared with {prev_start} to {prev_end} · timezone {tz}"},
    "report_filters": {"pt_BR": "Canais: {channels} · equipe: {team}", "en": "Channels: {channels} · team: {team}"},
    "report_all": {"pt_BR": "todos", "en": "all"},
    "report_all_teams": {"pt_BR": "todas", "en": "all"},
    "report_generated": {"pt_BR": "Gerado em {at}.", "en": "Generated on {at}."},
    "report_masked": {"pt_BR": "Telefones e e-mails estão mascarados.", "en": "Phones and e-mails are masked."},
    "report_h_highlights": {"pt_BR": "Destaques", "en": "Highlights"},
    "report_highlights_intro": {"pt_BR": "As maiores mudanças em relação ao período anterior:",
                                "en": "The biggest changes against the previous period:"},
    "report_highlight_line": {"pt_BR": "**{measure}**: {current} ({change} em relação a {previous})",
                              "en": "**{measure}**: {current} ({change} against {previous})"},
    "report_no_changes": {"pt_BR": "Nada mudou em relação ao período anterior.",
                          "en": "Nothing changed against the previous period."},
    "report_kpi_messages_in": {"pt_BR": "Mensagens recebidas", "en": "Messages received"},
    "report_kpi_messages_out": {"pt_BR": "Mensagens enviadas", "en": "Messages sent"},
    "report_kpi_tickets": {"pt_BR": "Tickets resolvidos", "en": "Tickets resolved"},
    "report_kpi_backlog": {"pt_BR": "Conversas em aberto no fim do período",
                           "en": "Open conversations at the end of the period"},
    "report_kpi_frt_median": {"pt_BR": "Mediana da primeira resposta", "en": "Median first response"},
    "report_kpi_frt_sla": {"pt_BR": "Primeiras respostas em até {threshold}", "en": "First responses within {threshold}"},
    "report_kpi_engaged": {"pt_BR": "Contatos com 4 ou 5 estrelas", "en": "Contacts with 4 or 5 stars"},
    "report_col_measure": {"pt_BR": "Indicador", "en": "Measure"},
    "report_col_current": {"pt_BR": "Este período", "en": "This period"},
    "report_col_previous": {"pt_BR": "Período anterior", "en": "Previous period"},
    "report_col_change": {"pt_BR": "Variação", "en": "Change"},
    "report_h_volume": {"pt_BR": "Volume por canal", "en": "Volume by channel"},
    "report_volume_prose": {
        "pt_BR": "{messages_in} mensagens recebidas e {messages_out} enviadas. "
                 "O canal com mais mensagens foi {top} ({share} do total).",
        "en": "{messages_in} messages received and {messages_out} sent. "
              "The busiest channel was {top} ({share} of all messages)."},
    "report_fig_volume": {"pt_BR": "Mensagens por dia e canal", "en": "Messages per day and channel"},
    "report_col_day": {"pt_BR": "Dia", "en": "Day"},
    "report_col_channel": {"pt_BR": "Canal", "en": "Channel"},
    "report_col_messages": {"pt_BR": "Mensagens", "en": "Messages"},
    "report_col_messages_in": {"pt_BR": "Recebidas", "en": "Received"},
    "report_col_messages_out": {"pt_BR": "Enviadas", "en": "Sent"},
    "report_col_conversations": {"pt_BR": "Conversas", "en": "Conversations"},
    "report_col_share": {"pt_BR": "Participação", "en": "Share"},
    "report_h_backlog": {"pt_BR": "Backlog", "en": "Backlog"},
    "report_backlog_prose": {
        "pt_BR": "No fim do período havia {open} conversas em aberto ({new} novas, {in_progress} em andamento e "
                 "{on_hold} em espera), contra {open_first} no fim do primeiro dia.",
        "en": "At the end of the period {open} conversations were open ({new} new, {in_progress} in progress and "
              "{on_hold} on hold), against {open_first} at the end of the first day."},
    "report_fig_backlog": {"pt_BR": "Conversas em aberto no fim de cada dia, por situação",
                           "en": "Open conversations at the end of each day, by status"},
    "report_col_status_name": {"pt_BR": "Situação", "en": "Status"},
    "report_h_stars": {"pt_BR": "Classificação por estrelas", "en": "Star rating"},
    "report_stars_prose": {
        "pt_BR": "{engaged} contatos ({share}) tinham 4 ou 5 estrelas no fim do período, contra {engaged_prev} no "
                 "fim do período anterior. {up} contatos subiram de nível e {down} caíram.",
        "en": "{engaged} contacts ({share}) had 4 or 5 stars at the end of the period, against {engaged_prev} at "
              "the end of the previous one. {up} contacts moved up a level and {down} went down."},
    "report_fig_stars": {"pt_BR": "Contatos por estrelas", "en": "Contacts by stars"},
    "report_col_stars": {"pt_BR": "Estrelas", "en": "Stars"},
    "report_col_level": {"pt_BR": "Nível", "en": "Level"},
    "report_col_contacts": {"pt_BR": "Contatos", "en": "Contacts"},
    "report_h_tickets": {"pt_BR": "Tickets por tipo e categoria", "en": "Tickets by type and category"},
    "report_tickets_prose": {
        "pt_BR": "{tickets} tickets resolvidos no período ({previous} no anterior). Tipo mais comum: {top_type}; "
                 "categoria mais comum: {top_category}.",
        "en": "{tickets} tickets resolved in the period ({previous} in the previous one). Most common type: "
              "{top_type}; most common category: {top_category}."},
    "report_fig_tickets_type": {"pt_BR": "Tickets por tipo", "en": "Tickets by type"},
    "report_fig_tickets_category": {"pt_BR": "Tickets por categoria", "en": "Tickets by category"},
    "report_col_type": {"pt_BR": "Tipo", "en": "Type"},
    "report_col_category": {"pt_BR": "Categoria", "en": "Category"},
    "report_col_tickets": {"pt_BR": "Tickets", "en": "Tickets"},
    "report_h_sla": {"pt_BR": "Tempos de resposta e SLA", "en": "Response times and SLA"},
    "report_sla_prose": {
        "pt_BR": "Mediana da primeira resposta: {median} em horário corrido, {business} em horário comercial. "
                 "{share} das primeiras respostas chegaram em até {threshold}.",
        "en": "Median first response: {median} in calendar time, {business} in business hours. "
              "{share} of first responses came within {threshold}."},
    "report_metric_first_response_time": {"pt_BR": "Primeira resposta", "en": "First response"},
    "report_metric_reply_time": {"pt_BR": "Resposta do agente", "en": "Agent reply"},
    "report_metric_contact_reply_time": {"pt_BR": "Resposta do contato", "en": "Contact reply"},
    "report_metric_resolution_time": {"pt_BR": "Resolução", "en": "Resolution"},
    "report_col_metric": {"pt_BR": "Medida", "en": "Metric"},
    "report_col_count": {"pt_BR": "Medidos", "en": "Measured"},
    "report_col_open": {"pt_BR": "Em aberto", "en": "Open"},
    "report_col_mean": {"pt_BR": "Média", "en": "Mean"},
    "report_col_median": {"pt_BR": "Mediana", "en": "Median"},
    "report_col_within": {"pt_BR": "≤ {threshold}", "en": "≤ {threshold}"},
    "report_col_business": {"pt_BR": "{name} (comercial)", "en": "{name} (business)"},
    "report_h_overview": {"pt_BR": "Visão geral", "en": "Overview"},
    "report_overview_prose": {
        "pt_BR": "Cada tempo é dado em horário corrido e em horário comercial (só o expediente, sem feriados). "
                 "Percentis por interpolação linear entre as posições vizinhas; “em aberto” são esperas ainda sem "
                 "resposta no fim do período, fora das estatísticas.",
        "en": "Every time is given in calendar time and in business hours (working time only, holidays excluded). "
              "Percentiles interpolate linearly between neighbouring ranks; “open” counts waits still unanswered "
              "at the end of the period, left out of the statistics."},
    "report_h_agents": {"pt_BR": "Por agente", "en": "Per agent"},
    "report_agents_prose": {
        "pt_BR": "Respostas do agente, creditadas a quem respondeu; primeiras respostas, ao agente da primeira "
                 "resposta. {agents} agentes responderam no período.",
        "en": "Agent replies, credited to the agent who sent them; first responses, to the agent of the first "
              "reply. {agents} agents replied in the period."},
    "report_col_agent": {"pt_BR": "Agente", "en": "Agent"},
    "report_h_business": {"pt_BR": "Horário comercial", "en": "Business hours"},
    "report_business_prose": {
        "pt_BR": "A mediana da resposta do agente é {calendar} em horário corrido e {business} em horário "
                 "comercial: a diferença é o tempo em que a mensagem esperou fora do expediente.",
        "en": "The median agent reply is {calendar} in calendar time and {business} in business hours: the "
              "difference is the time messages waited outside working hours."},
    "report_fig_by_hour": {"pt_BR": "Mediana da resposta do agente pela hora de chegada da mensagem",
                           "en": "Median agent reply by the hour the message arrived"},
    "report_col_hour": {"pt_BR": "Hora", "en": "Hour"},
    "report_col_calendar": {"pt_BR": "Corrido", "en": "Calendar"},
    "report_col_business_time": {"pt_BR": "Comercial", "en": "Business"},
    "report_h_outliers": {"pt_BR": "Casos extremos", "en": "Outliers"},
    "report_outliers_prose": {
        "pt_BR": "As {n} respostas do agente mais lentas do período, com os ids das mensagens que as formam.",
        "en": "The {n} slowest agent replies of the period, with the ids of the messages that make them."},
    "report_col_rank": {"pt_BR": "#", "en": "#"},
    "report_col_conversation": {"pt_BR": "Conversa", "en": "Conversation"},
    "report_col_from_message": {"pt_BR": "Mensagem do contato", "en": "Contact message"},
    "report_col_to_message": {"pt_BR": "Resposta", "en": "Reply"},
    "report_col_from_at": {"pt_BR": "Recebida em", "en": "Received at"},
    "report_col_to_at": {"pt_BR": "Respondida em", "en": "Replied at"},
    "report_h_distribution": {"pt_BR": "Distribuição de estrelas", "en": "Stars distribution"},
    "report_distribution_prose": {
        "pt_BR": "{contacts} contatos no fim do período, com média de {mean} estrelas ({mean_prev} no fim do "
                 "período anterior).",
        "en": "{contacts} contacts at the end of the period, averaging {mean} stars ({mean_prev} at the end of "
              "the previous period)."},
    "report_h_meaning": {"pt_BR": "O que cada nível significa", "en": "What each level means"},
    "report_col_condition": {"pt_BR": "Condição", "en": "Condition"},
    "report_h_transitions": {"pt_BR": "Como os contatos mudaram de nível", "en": "How contacts moved between levels"},
    "report_transitions_prose": {
        "pt_BR": "Entre {start} e {end}, {up} contatos subiram de nível, {down} caíram e {same} ficaram onde estavam.",
        "en": "Between {start} and {end}, {up} contacts moved up, {down} went down and {same} stayed where they were."},
    "report_fig_transitions": {"pt_BR": "Contatos por nível no início (linhas) e no fim (colunas)",
                               "en": "Contacts by level at the start (rows) and at the end (columns)"},
    "report_col_from_stars": {"pt_BR": "Antes", "en": "Before"},
    "report_col_to_stars": {"pt_BR": "Depois", "en": "After"},
    "report_h_by_channel": {"pt_BR": "Estrelas por canal", "en": "Stars by channel"},
    "report_fig_by_channel": {"pt_BR": "Participação de cada nível por canal principal do contato",
                              "en": "Share of each level by the contact's main channel"},
    "report_h_down": {"pt_BR": "Contatos que caíram", "en": "Contacts who went down"},
    "report_down_prose": {"pt_BR": "{n} contatos caíram de nível. Os {shown} com a maior queda:",
                          "en": "{n} contacts went down a level. The {shown} with the largest drop:"},
    "report_down_none": {"pt_BR": "Nenhum contato caiu de nível no período.",
                         "en": "No contact went down a level in the period."},
    "report_col_contact": {"pt_BR": "Contato", "en": "Contact"},
    "report_col_phone": {"pt_BR": "Telefone", "en": "Phone"},
    "report_col_email": {"pt_BR": "E-mail", "en": "E-mail"},
    "report_col_reason": {"pt_BR": "Motivo", "en": "Reason"},
}

_TABLES = {"status": STATUSES, "channel": CHANNELS, "ticket_type": TICKET_TYPES, "role": ROLES}


def check_locale(locale: str) -> str:
    """The locale itself, or ValueError naming the supported ones."""
    if locale not in LOCALES:
        raise ValueError(f"locale '{locale}' is not one of {', '.join(LOCALES)}")
    return locale


def label(kind: str, key: Any, locale: str) -> str:
    """The word for a status, channel, ticket_type, role or star level in the locale; the key if unknown."""
    check_locale(locale)
    if kind == "stars":
        return STARS[int(key)][locale]
    return _TABLES[kind].get(str(key), {}).get(locale, str(key))


def t(key: str, locale: str, **values: Any) -> str:
    """A UI string in the locale, with {placeholders} filled from values."""
    check_locale(locale)
    return MESSAGES[key][locale].format(**values)


def star_meanings() -> pd.DataFrame:
    """Columns: stars, name_pt_BR, name_en, condition_pt_BR, condition_en."""
    return pd.DataFrame([
        {"stars": s, "name_pt_BR": v["pt_BR"], "name_en": v["en"],
         "condition_pt_BR": v["condition_pt_BR"], "condition_en": v["condition_en"]}
        for s, v in STARS.items()])


def fmt_number(value: float, locale: str, digits: int = 0) -> str:
    """1234.5 -> '1.234,5' in pt_BR, '1,234.5' in en."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel.numbers.format_decimal(value, format=pattern, locale=check_locale(locale))


def fmt_percent(share: float, locale: str, digits: int = 0) -> str:
    """0.923 -> '92%' (pt_BR '92%' with babel's spacing rules)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel.numbers.format_percent(share, format=pattern, locale=check_locale(locale))


def fmt_date(value: dt.date | dt.datetime | pd.Timestamp, locale: str, fmt: str = "short") -> str:
    """A date in the locale: 25/11/2026 in pt_BR, 11/25/26 in en for 'short'."""
    return babel.dates.format_date(value, format=fmt, locale=check_locale(locale))


def fmt_datetime(value: dt.datetime | pd.Timestamp, locale: str, tz: str | None = None,
                 fmt: str = "short") -> str:
    """A date and time in the locale, shown in tz when given."""
    return babel.dates.format_datetime(value, format=fmt, tzinfo=tz, locale=check_locale(locale))


def fmt_duration(seconds: float | None, locale: str) -> str:
    """A duration as '45 s', '12 min', '3,5 h' or '2,1 d' in the locale; '—' when missing."""
    if seconds is None or pd.isna(seconds):
        return "—"
    if seconds < 60:
        return f"{fmt_number(seconds, locale)} s"
    if seconds < 3600:
        return f"{fmt_number(seconds / 60, locale)} min"
    if seconds < 86400:
        return f"{fmt_number(seconds / 3600, locale, 1)} h"
    return f"{fmt_number(seconds / 86400, locale, 1)} d"
