"""Chat templates (Jinja, for transformers' ``apply_chat_template``) to pass to
``save_huggingface(chat_template=...)``.

``NANOCHAT`` renders a conversation as nanochat's chat format does
(bytebpe.nanochat.render_conversation): ``<|bos|>``, a first system message joined to the user
message after it with a blank line, ``<|user_start|> ... <|user_end|>``,
``<|assistant_start|> ... <|assistant_end|>`` with an assistant's parts (text, ``python`` and
``python_output``) in their delimiters, and ``<|assistant_start|>`` with
``add_generation_prompt``. Hugging Face tokenizes the rendered string, so a special token's string
inside a message is that special token there, where nanochat encodes it as plain text.
"""

from __future__ import annotations

NANOCHAT = (
    "{%- set ns = namespace(system='') -%}"
    "<|bos|>"
    "{%- for message in messages -%}"
    "{%- if loop.first and message['role'] == 'system' -%}"
    "{%- set ns.system = message['content'] + '\\n\\n' -%}"
    "{%- elif message['role'] == 'user' -%}"
    "<|user_start|>{{ ns.system + message['content'] }}<|user_end|>"
    "{%- set ns.system = '' -%}"
    "{%- else -%}"
    "<|assistant_start|>"
    "{%- if message['content'] is string -%}{{ message['content'] }}"
    "{%- else -%}{%- for part in message['content'] -%}"
    "{%- if part['type'] == 'python' -%}<|python_start|>{{ part['text'] }}<|python_end|>"
    "{%- elif part['type'] == 'python_output' -%}<|output_start|>{{ part['text'] }}<|output_end|>"
    "{%- else -%}{{ part['text'] }}{%- endif -%}"
    "{%- endfor -%}{%- endif -%}"
    "<|assistant_end|>"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}<|assistant_start|>{%- endif -%}"
)
