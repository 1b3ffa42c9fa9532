/** IEC 60601-1-8 alarm priorities: the alarm engine, the alarm sound and the dashboard share them. */
export const PRIORITIES = ["low", "medium", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Numeric rank so comparisons stay cheap on the hot path. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { low: 1, medium: 2, high: 3 };
