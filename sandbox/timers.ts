/**
 * Sleeps that can all be cut short at once, so reset() and close() never leave
 * a timer behind that would fire into a cleared sandbox or keep the process alive.
 */
export class CancellableTimers {
	private readonly wakers = new Set<() => void>();

	/** Resolves true when the time has passed, false when cancelled first. */
	sleep(ms: number): Promise<boolean> {
		return new Promise((resolve) => {
			const finish = (elapsed: boolean) => {
				clearTimeout(timer);
				this.wakers.delete(cancel);
				resolve(elapsed);
			};
			const cancel = () => finish(false);
			const timer = setTimeout(() => finish(true), Math.max(0, ms));
			this.wakers.add(cancel);
		});
	}

	cancelAll(): void {
		for (const cancel of [...this.wakers]) cancel();
	}
}
