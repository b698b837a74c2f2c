"""The web chat's channel: a real socket.io client talks to the running Rasa server the way
web/chat.js does (websocket transport, session_request, user_uttered, bot_uttered)."""
import asyncio
import uuid

import socketio


async def converse(settings, messages, locale="en-US", reconnect_as=None):
    client = socketio.AsyncClient()
    replies: asyncio.Queue = asyncio.Queue()
    confirmed = asyncio.Event()
    session_id = reconnect_as or uuid.uuid4().hex

    @client.on("session_confirm")
    async def on_confirm(data):
        confirmed.set()

    @client.on("bot_uttered")
    async def on_reply(data):
        await replies.put(data)

    await client.connect(f"http://127.0.0.1:{settings.rasa_port}", transports=["websocket"], socketio_path="/socket.io")
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 10)
        answers = []
        for text in messages:
            await client.emit("user_uttered", {"message": text, "session_id": session_id, "metadata": {"locale": locale}})
            first = await asyncio.wait_for(replies.get(), 60)
            batch = [first]
            # The rest of the same turn's replies follow right away.
            while True:
                try:
                    batch.append(await asyncio.wait_for(replies.get(), 1.5))
                except asyncio.TimeoutError:
                    break
            answers.append(batch)
        return session_id, answers
    finally:
        await client.disconnect()


async def test_socketio_conversation_reaches_the_shopper(running_stack):
    _, answers = await converse(running_stack.settings, ["你好", "我的订单100236到哪了", "wang.fang@example.cn"], locale="zh-CN")
    assert all(batch and batch[0].get("text") for batch in answers)
    report = " ".join(r["text"] for r in answers[-1])
    assert "100236" in report and "LP00618342759013" in report


async def test_buttons_arrive_with_their_payloads(running_stack):
    _, answers = await converse(running_stack.settings, ["/nlu_fallback", "/nlu_fallback"])
    offer = answers[-1][0]
    # Rasa's socket.io output sends buttons as quick replies.
    assert [b["payload"] for b in offer["quick_replies"]] == ["/human_handoff", "/deny"]


async def test_a_reloaded_page_continues_the_same_conversation(running_stack):
    session_id, _ = await converse(running_stack.settings, ["where is my order 100234"])
    _, answers = await converse(running_stack.settings, ["maria.garcia@example.es"], reconnect_as=session_id)
    assert "100234" in " ".join(r["text"] for r in answers[0])
