package dev.llava4j.llava.data;

/** LLaVA conversation.py separator styles used by LLaVA-1.5. */
public enum SeparatorStyle {
    /** "ROLE: message" turns; sep after user turns, sep2 after assistant turns (vicuna_v1, llava_v1). */
    TWO,
    /** Messages concatenated without roles or system text (stage-1 pretraining). */
    PLAIN
}
