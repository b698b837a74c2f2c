from bot.language.detector import Detection, LanguageDetector

__all__ = ["Detection", "LanguageDetector"]
