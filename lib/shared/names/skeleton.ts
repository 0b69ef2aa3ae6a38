import unhomoglyph from "unhomoglyph";

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * A name's confusable skeleton (UTS #39 §4, internalSkeleton): NFD, without
 * default-ignorable characters, each character replaced by its prototype from
 * Unicode's confusables.txt (unhomoglyph), NFD again. Two names look alike
 * when their skeletons are equal: `Alice` and `Аlice` (Cyrillic А), `rn` and
 * `m`, `I` and `l`. Only for comparing; never shown.
 */
export function nameSkeleton(name: string): string {
  return unhomoglyph(name.normalize("NFD").replace(IGNORABLE, "")).normalize("NFD");
}
