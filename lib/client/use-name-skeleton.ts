"use client";

import { useEffect, useState } from "react";
import { plainSkeleton, type Skeleton } from "./name-tags";

/**
 * The comparison for look-alike names. The confusables table is about 28 KB
 * gzipped and takes tens of milliseconds to prepare, so it is fetched after
 * the page is up rather than before it can render; until then exact
 * duplicates are tagged, and look-alikes a moment later.
 */
export function useNameSkeleton(): Skeleton {
  const [skeleton, setSkeleton] = useState<Skeleton>(() => plainSkeleton);
  useEffect(() => {
    let live = true;
    import("../shared/names/skeleton").then(
      ({ nameSkeleton }) => {
        if (live) setSkeleton(() => nameSkeleton);
      },
      // Without the table (a chunk that failed to load), exact duplicates are still tagged.
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  return skeleton;
}
