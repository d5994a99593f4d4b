/**
 * The benchmark runner behind {@code llava4j eval run}: reads a benchmark's question file, asks a model
 * each question as LLaVA-1.5's eval scripts do, and appends LLaVA answer lines
 * ({@code {question_id, prompt, text, answer_id, model_id, metadata}}) that {@code eval score} and
 * {@code eval convert} take.
 *
 * <p>Every benchmark: vicuna_v1 prompt with {@code "<image>\n" + text} (no image token for text-only items),
 * the checkpoint's image preprocessing (pad for LLaVA-1.5), greedy decoding, answer = decoded new tokens,
 * stripped. Per benchmark ({@link dev.llava4j.llava.eval.run.BenchmarkSpec}):
 * <ul>
 * <li>vqav2, gqa, textvqa, pope, mme (short-answer suffix), vizwiz (unanswerable + short-answer suffix),
 *     seed_bench (multiple-choice suffix): LLaVA's question jsonl, max_new_tokens 128 (model_vqa_loader.py).
 *     LLaVA's files already end each text with the suffix and are used as they are; a text without it gets
 *     {@code "\n" + suffix}. prompt = the text as asked.</li>
 * <li>llavabench, mmvet: question jsonl, no suffix, max_new_tokens 1024 (model_vqa.py).</li>
 * <li>scienceqa: llava_test_CQM-A.json, question = first conversation value without {@code <image>},
 *     stripped, + multiple-choice suffix (model_vqa_science.py --single-pred-prompt adds it unconditionally;
 *     here only when missing); prompt = {@code "<image>\n"} (image items) + question; max_new_tokens 1024.</li>
 * <li>mmbench, mmbench_cn: the split's .tsv, hint/question/options layout + English or Chinese suffix
 *     (model_vqa_mmbench.py --single-pred-prompt [--lang cn], round 0); prompt = the layout without the suffix;
 *     extra fields round_id, options, option_char; max_new_tokens 1024.</li>
 * </ul>
 * Runs resume: question ids already in the answer file are skipped, every line is flushed when written,
 * and an unfinished last line left by a killed run is removed first.
 */
package dev.llava4j.llava.eval.run;
