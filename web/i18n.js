/* Interface text of the chat page in the assistant's ten languages.
 *
 * Loaded by index.html as a plain (blocking) script in <head>, before chat.js, so
 * <html lang> and <html dir> are right before anything is drawn. It exposes
 * window.I18N = {lang, tag, dir, t(key, params), apply(root), formatNumber(n)}.
 *
 * The language is the first of navigator.languages whose primary subtag we have
 * ("pt-PT" -> pt, "zh-TW" -> zh), English otherwise. Only the page's own interface
 * text lives here; the assistant's replies come from the bot in whatever language
 * the shopper writes.
 *
 * Keep MESSAGES valid JSON (double-quoted keys, no trailing commas): the server's
 * tests read it as such to check that every key exists in every language.
 */
"use strict";

(() => {
  const FALLBACK = "en";

  // BCP 47 tag for <html lang>: it also picks regional glyphs and hyphenation.
  const TAGS = { pt: "pt-BR", zh: "zh-Hans" };
  const RTL = new Set(["ar"]);

  const MESSAGES = {
    "en": {
      "pageTitle": "Demo Shop — Customer service",
      "customerService": "Customer service",
      "statusConnecting": "Connecting…",
      "statusOnline": "Online",
      "statusReconnecting": "Reconnecting…",
      "statusOffline": "Offline — retrying…",
      "statusBroken": "Unavailable",
      "noticeReconnecting": "Connection lost. Reconnecting…",
      "noticeOffline": "The assistant can't be reached right now. We keep trying to reconnect.",
      "noticeBroken": "The chat could not load. Please reload the page.",
      "newConversation": "New conversation",
      "welcomeTitle": "Hi! How can we help?",
      "welcomeText": "Ask about an order, its delivery or anything else about your purchase. Write in the language you prefer.",
      "conversationLabel": "Conversation",
      "typing": "The assistant is typing",
      "messageLabel": "Your message",
      "messagePlaceholder": "Type your message…",
      "send": "Send",
      "composerHint": "Enter to send · Shift+Enter for a new line",
      "charCount": "{count} / {max}",
      "youSaid": "You said:",
      "assistantSaid": "Assistant said:",
      "suggestedReplies": "Suggested replies",
      "viewImage": "View image",
      "noReply": "No reply yet. The assistant may be busy; please try again in a moment.",
      "noscript": "This chat needs JavaScript. Please enable it and reload the page."
    },
    "es": {
      "pageTitle": "Demo Shop — Atención al cliente",
      "customerService": "Atención al cliente",
      "statusConnecting": "Conectando…",
      "statusOnline": "En línea",
      "statusReconnecting": "Reconectando…",
      "statusOffline": "Sin conexión — reintentando…",
      "statusBroken": "No disponible",
      "noticeReconnecting": "Se perdió la conexión. Reconectando…",
      "noticeOffline": "Ahora mismo no podemos contactar con el asistente. Seguimos intentando reconectar.",
      "noticeBroken": "No se pudo cargar el chat. Vuelve a cargar la página.",
      "newConversation": "Nuevo chat",
      "welcomeTitle": "¡Hola! ¿En qué podemos ayudarte?",
      "welcomeText": "Pregunta por un pedido, su entrega o cualquier otra cosa sobre tu compra. Escribe en el idioma que prefieras.",
      "conversationLabel": "Conversación",
      "typing": "El asistente está escribiendo",
      "messageLabel": "Tu mensaje",
      "messagePlaceholder": "Escribe tu mensaje…",
      "send": "Enviar",
      "composerHint": "Intro para enviar · Mayús+Intro para una línea nueva",
      "charCount": "{count} / {max}",
      "youSaid": "Tu mensaje:",
      "assistantSaid": "Respuesta del asistente:",
      "suggestedReplies": "Respuestas sugeridas",
      "viewImage": "Ver imagen",
      "noReply": "Aún no hay respuesta. Puede que el asistente esté ocupado; inténtalo de nuevo en un momento.",
      "noscript": "Este chat necesita JavaScript. Actívalo y vuelve a cargar la página."
    },
    "fr": {
      "pageTitle": "Demo Shop — Service client",
      "customerService": "Service client",
      "statusConnecting": "Connexion…",
      "statusOnline": "En ligne",
      "statusReconnecting": "Reconnexion…",
      "statusOffline": "Hors ligne — nouvel essai…",
      "statusBroken": "Indisponible",
      "noticeReconnecting": "Connexion perdue. Reconnexion…",
      "noticeOffline": "L’assistant est injoignable pour le moment. Nous continuons d’essayer de nous reconnecter.",
      "noticeBroken": "Le chat n’a pas pu se charger. Veuillez recharger la page.",
      "newConversation": "Nouveau chat",
      "welcomeTitle": "Bonjour\u00a0! Comment pouvons-nous vous aider\u00a0?",
      "welcomeText": "Posez vos questions sur une commande, sa livraison ou tout autre aspect de votre achat. Écrivez dans la langue de votre choix.",
      "conversationLabel": "Conversation",
      "typing": "L’assistant est en train d’écrire",
      "messageLabel": "Votre message",
      "messagePlaceholder": "Écrivez votre message…",
      "send": "Envoyer",
      "composerHint": "Entrée pour envoyer · Maj+Entrée pour aller à la ligne",
      "charCount": "{count} / {max}",
      "youSaid": "Vous avez dit\u00a0:",
      "assistantSaid": "L’assistant a répondu\u00a0:",
      "suggestedReplies": "Réponses suggérées",
      "viewImage": "Voir l’image",
      "noReply": "Pas encore de réponse. L’assistant est peut-être occupé\u00a0; veuillez réessayer dans un instant.",
      "noscript": "Ce chat nécessite JavaScript. Veuillez l’activer et recharger la page."
    },
    "de": {
      "pageTitle": "Demo Shop — Kundenservice",
      "customerService": "Kundenservice",
      "statusConnecting": "Verbindung wird hergestellt…",
      "statusOnline": "Online",
      "statusReconnecting": "Neuer Verbindungsversuch…",
      "statusOffline": "Offline — neuer Versuch…",
      "statusBroken": "Nicht verfügbar",
      "noticeReconnecting": "Verbindung unterbrochen. Neuer Verbindungsversuch…",
      "noticeOffline": "Der Assistent ist gerade nicht erreichbar. Wir versuchen weiterhin, die Verbindung herzustellen.",
      "noticeBroken": "Der Chat konnte nicht geladen werden. Bitte laden Sie die Seite neu.",
      "newConversation": "Neuer Chat",
      "welcomeTitle": "Hallo! Wie können wir Ihnen helfen?",
      "welcomeText": "Fragen Sie uns zu einer Bestellung, deren Lieferung oder allem anderen rund um Ihren Einkauf. Schreiben Sie in der Sprache Ihrer Wahl.",
      "conversationLabel": "Gespräch",
      "typing": "Der Assistent schreibt",
      "messageLabel": "Ihre Nachricht",
      "messagePlaceholder": "Nachricht eingeben…",
      "send": "Senden",
      "composerHint": "Enter zum Senden · Umschalt+Enter für eine neue Zeile",
      "charCount": "{count} / {max}",
      "youSaid": "Ihre Nachricht:",
      "assistantSaid": "Antwort des Assistenten:",
      "suggestedReplies": "Antwortvorschläge",
      "viewImage": "Bild ansehen",
      "noReply": "Noch keine Antwort. Der Assistent ist möglicherweise ausgelastet; bitte versuchen Sie es gleich noch einmal.",
      "noscript": "Dieser Chat benötigt JavaScript. Bitte aktivieren Sie es und laden Sie die Seite neu."
    },
    "it": {
      "pageTitle": "Demo Shop — Assistenza clienti",
      "customerService": "Assistenza clienti",
      "statusConnecting": "Connessione in corso…",
      "statusOnline": "Online",
      "statusReconnecting": "Riconnessione in corso…",
      "statusOffline": "Offline — nuovo tentativo…",
      "statusBroken": "Non disponibile",
      "noticeReconnecting": "Connessione persa. Riconnessione in corso…",
      "noticeOffline": "Al momento l’assistente non è raggiungibile. Continuiamo a provare a riconnetterci.",
      "noticeBroken": "Impossibile caricare la chat. Ricarica la pagina.",
      "newConversation": "Nuova chat",
      "welcomeTitle": "Ciao! Come possiamo aiutarti?",
      "welcomeText": "Chiedi di un ordine, della sua consegna o di qualsiasi altra cosa sul tuo acquisto. Scrivi nella lingua che preferisci.",
      "conversationLabel": "Conversazione",
      "typing": "L’assistente sta scrivendo",
      "messageLabel": "Il tuo messaggio",
      "messagePlaceholder": "Scrivi un messaggio…",
      "send": "Invia",
      "composerHint": "Invio per inviare · Maiusc+Invio per andare a capo",
      "charCount": "{count} / {max}",
      "youSaid": "Hai scritto:",
      "assistantSaid": "L’assistente ha risposto:",
      "suggestedReplies": "Risposte suggerite",
      "viewImage": "Vedi immagine",
      "noReply": "Ancora nessuna risposta. L’assistente potrebbe essere occupato; riprova tra un momento.",
      "noscript": "Questa chat richiede JavaScript. Attivalo e ricarica la pagina."
    },
    "pt": {
      "pageTitle": "Demo Shop — Atendimento ao cliente",
      "customerService": "Atendimento ao cliente",
      "statusConnecting": "Conectando…",
      "statusOnline": "Online",
      "statusReconnecting": "Reconectando…",
      "statusOffline": "Offline — nova tentativa…",
      "statusBroken": "Indisponível",
      "noticeReconnecting": "Conexão perdida. Reconectando…",
      "noticeOffline": "Não foi possível falar com o assistente agora. Continuamos tentando reconectar.",
      "noticeBroken": "Não foi possível carregar o chat. Recarregue a página.",
      "newConversation": "Nova conversa",
      "welcomeTitle": "Olá! Como podemos ajudar?",
      "welcomeText": "Pergunte sobre um pedido, a entrega ou qualquer outra coisa da sua compra. Escreva no idioma que preferir.",
      "conversationLabel": "Conversa",
      "typing": "O assistente está digitando",
      "messageLabel": "Sua mensagem",
      "messagePlaceholder": "Digite sua mensagem…",
      "send": "Enviar",
      "composerHint": "Enter para enviar · Shift+Enter para nova linha",
      "charCount": "{count} / {max}",
      "youSaid": "Você disse:",
      "assistantSaid": "O assistente respondeu:",
      "suggestedReplies": "Respostas sugeridas",
      "viewImage": "Ver imagem",
      "noReply": "Ainda sem resposta. O assistente pode estar ocupado; tente de novo em instantes.",
      "noscript": "Este chat precisa de JavaScript. Ative-o e recarregue a página."
    },
    "ru": {
      "pageTitle": "Demo Shop — Служба поддержки",
      "customerService": "Служба поддержки",
      "statusConnecting": "Подключение…",
      "statusOnline": "В сети",
      "statusReconnecting": "Переподключение…",
      "statusOffline": "Нет связи — повтор…",
      "statusBroken": "Недоступно",
      "noticeReconnecting": "Соединение потеряно. Переподключение…",
      "noticeOffline": "Помощник сейчас недоступен. Мы продолжаем попытки подключиться.",
      "noticeBroken": "Не удалось загрузить чат. Обновите страницу.",
      "newConversation": "Новый диалог",
      "welcomeTitle": "Здравствуйте! Чем можем помочь?",
      "welcomeText": "Спрашивайте о заказе, его доставке или о чём-то ещё, связанном с покупкой. Пишите на удобном Вам языке.",
      "conversationLabel": "Диалог",
      "typing": "Помощник печатает",
      "messageLabel": "Ваше сообщение",
      "messagePlaceholder": "Введите сообщение…",
      "send": "Отправить",
      "composerHint": "Enter — отправить · Shift+Enter — новая строка",
      "charCount": "{count} / {max}",
      "youSaid": "Вы написали:",
      "assistantSaid": "Ответ помощника:",
      "suggestedReplies": "Варианты ответа",
      "viewImage": "Открыть изображение",
      "noReply": "Ответа пока нет. Возможно, помощник занят; попробуйте ещё раз чуть позже.",
      "noscript": "Для работы чата нужен JavaScript. Включите его и обновите страницу."
    },
    "ar": {
      "pageTitle": "Demo Shop — خدمة العملاء",
      "customerService": "خدمة العملاء",
      "statusConnecting": "جارٍ الاتصال…",
      "statusOnline": "متصل",
      "statusReconnecting": "جارٍ إعادة الاتصال…",
      "statusOffline": "غير متصل — جارٍ إعادة المحاولة…",
      "statusBroken": "غير متاح",
      "noticeReconnecting": "انقطع الاتصال. جارٍ إعادة الاتصال…",
      "noticeOffline": "يتعذّر الوصول إلى المساعد حاليًا. نواصل محاولة إعادة الاتصال.",
      "noticeBroken": "تعذّر تحميل المحادثة. يُرجى إعادة تحميل الصفحة.",
      "newConversation": "محادثة جديدة",
      "welcomeTitle": "مرحبًا! كيف يمكننا مساعدتك؟",
      "welcomeText": "اسأل عن طلب أو عن توصيله أو عن أي شيء آخر يخص مشترياتك. اكتب باللغة التي تفضّلها.",
      "conversationLabel": "المحادثة",
      "typing": "المساعد يكتب الآن",
      "messageLabel": "رسالتك",
      "messagePlaceholder": "اكتب رسالتك…",
      "send": "إرسال",
      "composerHint": "Enter للإرسال · Shift+Enter لسطر جديد",
      "charCount": "{count} من {max}",
      "youSaid": "رسالتك:",
      "assistantSaid": "ردّ المساعد:",
      "suggestedReplies": "ردود مقترحة",
      "viewImage": "عرض الصورة",
      "noReply": "لم يصل ردّ بعد. قد يكون المساعد مشغولًا؛ يُرجى المحاولة مرة أخرى بعد قليل.",
      "noscript": "تحتاج هذه المحادثة إلى JavaScript. يُرجى تفعيله ثم إعادة تحميل الصفحة."
    },
    "ja": {
      "pageTitle": "Demo Shop — カスタマーサポート",
      "customerService": "カスタマーサポート",
      "statusConnecting": "接続しています…",
      "statusOnline": "オンライン",
      "statusReconnecting": "再接続しています…",
      "statusOffline": "オフライン — 再試行しています…",
      "statusBroken": "ご利用いただけません",
      "noticeReconnecting": "接続が切れました。再接続しています…",
      "noticeOffline": "現在アシスタントに接続できません。引き続き再接続を試みています。",
      "noticeBroken": "チャットを読み込めませんでした。ページを再読み込みしてください。",
      "newConversation": "新しい会話",
      "welcomeTitle": "こんにちは。どのようなご用件でしょうか？",
      "welcomeText": "ご注文や配送のほか、お買い物に関することなら何でもお尋ねください。お好きな言語でご入力いただけます。",
      "conversationLabel": "会話",
      "typing": "アシスタントが入力しています",
      "messageLabel": "メッセージ",
      "messagePlaceholder": "メッセージを入力してください",
      "send": "送信",
      "composerHint": "Enter で送信 · Shift+Enter で改行",
      "charCount": "{count} / {max}",
      "youSaid": "お客様のメッセージ：",
      "assistantSaid": "アシスタントの返信：",
      "suggestedReplies": "返信の候補",
      "viewImage": "画像を表示",
      "noReply": "まだ返信がありません。アシスタントが混み合っている可能性があります。しばらくしてからもう一度お試しください。",
      "noscript": "このチャットのご利用には JavaScript が必要です。JavaScript を有効にして、ページを再読み込みしてください。"
    },
    "zh": {
      "pageTitle": "Demo Shop — 客户服务",
      "customerService": "客户服务",
      "statusConnecting": "正在连接…",
      "statusOnline": "在线",
      "statusReconnecting": "正在重新连接…",
      "statusOffline": "离线 — 正在重试…",
      "statusBroken": "不可用",
      "noticeReconnecting": "连接已断开，正在重新连接…",
      "noticeOffline": "暂时无法连接到助手，我们会继续尝试重新连接。",
      "noticeBroken": "聊天加载失败，请刷新页面。",
      "newConversation": "新对话",
      "welcomeTitle": "您好！有什么可以帮您？",
      "welcomeText": "您可以咨询订单、配送或与购物有关的任何问题，用您习惯的语言输入即可。",
      "conversationLabel": "对话",
      "typing": "助手正在输入",
      "messageLabel": "您的消息",
      "messagePlaceholder": "请输入消息…",
      "send": "发送",
      "composerHint": "Enter 发送 · Shift+Enter 换行",
      "charCount": "{count} / {max}",
      "youSaid": "您说：",
      "assistantSaid": "助手回复：",
      "suggestedReplies": "建议回复",
      "viewImage": "查看图片",
      "noReply": "暂未收到回复，助手可能正忙，请稍后再试。",
      "noscript": "此聊天需要 JavaScript，请启用后刷新页面。"
    }
  };

  function pickLanguage(preferred) {
    for (const tag of preferred) {
      const primary = String(tag || "").trim().toLowerCase().split(/[-_]/)[0];
      if (Object.prototype.hasOwnProperty.call(MESSAGES, primary)) return primary;
    }
    return FALLBACK;
  }

  const preferred =
    navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  const lang = pickLanguage(preferred);
  const tag = TAGS[lang] || lang;
  const dir = RTL.has(lang) ? "rtl" : "ltr";
  const messages = MESSAGES[lang];

  // The text for `key`, with {name} placeholders filled from `params`.
  function t(key, params) {
    const text = messages[key] ?? MESSAGES[FALLBACK][key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name) =>
      Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
    );
  }

  let numberFormat = null;
  function formatNumber(value) {
    try {
      numberFormat = numberFormat || new Intl.NumberFormat(tag);
      return numberFormat.format(value);
    } catch (_) {
      return String(value);
    }
  }

  // Fills the marked elements under `root`: data-i18n sets the text, data-i18n-placeholder
  // and data-i18n-aria-label the matching attributes.
  let applied = false;
  function apply(root) {
    const scope = root || document;
    try {
      for (const node of scope.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
      for (const node of scope.querySelectorAll("[data-i18n-placeholder]")) {
        node.setAttribute("placeholder", t(node.dataset.i18nPlaceholder));
      }
      for (const node of scope.querySelectorAll("[data-i18n-aria-label]")) {
        node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
      }
    } finally {
      // Never leave the page hidden, even if something above went wrong.
      if (scope === document) {
        applied = true;
        document.documentElement.classList.remove("i18n-pending");
      }
    }
  }

  const html = document.documentElement;
  html.lang = tag;
  html.dir = dir;
  // chat.css keeps the page hidden until its text is in place, so no English flashes
  // by first. chat.js applies the text as it starts; this is the fallback if it does not.
  html.classList.add("i18n-pending");
  document.addEventListener("DOMContentLoaded", () => {
    if (!applied) apply(document);
  });

  window.I18N = Object.freeze({ lang, tag, dir, t, apply, formatNumber });
})();
