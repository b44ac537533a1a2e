/**
 * Public types of the OMI sandbox. server.ts re-exports all of them, so
 * callers only ever import from './sandbox/server'.
 */

export interface SandboxOptions {
	/** 0 = random free port (tests use 0). Default 3990. */
	port?: number;
	/** Default '127.0.0.1'. */
	host?: string;
	/** Default 'sandbox-api-key'. */
	apiKey?: string;
	/** Lifetime of access tokens, default 24 h. */
	tokenTtlMs?: number;
	/** Delay between an upload and the POST of its result to the registered webhook, default 2000. */
	resultDelayMs?: number;
	/** Pause between delivery retries, default 1000. */
	webhookRetryMs?: number;
	/** Default 10. */
	webhookMaxAttempts?: number;
	/** Phones answered with error_code "number_dnc". */
	dncPhones?: string[];
	/** Phones answered with error_code "invalid_phone_number". */
	invalidPhones?: string[];
	/** Generated analysed-log entries per ref_uuid, default 120. */
	analyzedLogsPerSession?: number;
	/** Optional request logger; silent when absent. */
	log?: (line: string) => void;
	/** The token the Alovoice endpoints accept, default 'sandbox-alovoice-token'. */
	alovoiceToken?: string;
	/** How long after its first send an Alovoice analysis stays "not ready", default 3000. */
	alovoiceReadyAfterMs?: number;
	/**
	 * How a webhook registration is answered: OMI's envelope (default), or a bare
	 * HTTP 200 without a body, which is all OMI's documents promise.
	 */
	registerAnswer?: RegisterAnswer;
	/**
	 * HTTP status of an answer to a missing or wrong API key, default 200 as OMI's
	 * documents show (with status_code -9999); 401 plays a server that refuses otherwise.
	 */
	keyErrorStatus?: number;
	/** When set, a few finished calls join the call history this often (the demo's traffic). */
	callsEveryMs?: number;
	/** How many requests control.requests() keeps, the oldest dropped first; default 10,000. */
	requestLogLimit?: number;
}

export type CallDirection = 'inbound' | 'outbound' | 'local';

/** A call to put into the call history; every field is optional. */
export interface CallSpec {
	/** The call UUID (transaction_id); a random UUID by default. */
	id?: string;
	direction?: CallDirection;
	/** Default true; an unanswered call has no talk time and no recording. */
	answered?: boolean;
	/** Default 45 to 165 s. */
	talkSeconds?: number;
	/** Default 8. */
	ringSeconds?: number;
	/** Epoch ms of the hang-up, default now; the start is worked back from it. */
	endedAt?: number;
	/** Default true (answered calls only). */
	recording?: boolean;
	/** The recording link appears this long after the hang-up, default 0. */
	recordingAfterMs?: number;
	/** The call appears in the search this long after the hang-up, default 0. */
	appearAfterMs?: number;
	/** One of 101-104 names a known agent; any other extension gets a made-up name. */
	agentExtension?: string;
	hotline?: string;
	customerPhone?: string;
	customerName?: string;
	/** Makes it a callBot call of that session. */
	autocallId?: string;
	/** Fields the documents do not show, added to the record at dotted paths (`customer.email`, `user.0.team`). */
	extraFields?: Record<string, unknown>;
}

/** A call as the sandbox holds it (epoch ms times). */
export interface SandboxCall {
	id: string;
	direction: CallDirection;
	startedAt: number;
	answeredAt: number | null;
	endedAt: number;
	talkSeconds: number;
	agent: { extension: string; name: string; email: string };
	customerName: string;
	customerPhone: string;
	hotline: string;
	recording: boolean;
	/** When the search starts to return it. */
	visibleAt: number;
	/** When its recording link appears (if it has a recording). */
	recordingAt: number;
	autocallId: string | null;
	extraFields: Record<string, unknown>;
}

export type RegisterAnswer = 'envelope' | 'empty';

export type DeliveryKind = 'transcription' | 'analysis';

export type UploadEndpoint = 'speech_to_text' | 'call_analyze';

export type Fault =
	| { type: 'latency'; ms: number }
	| { type: 'http'; status: number; body?: string }
	/** HTTP 200 with status_code -9999 and this message. */
	| { type: 'envelope-error'; message: string }
	/** HTTP 200 with a truncated JSON body. */
	| { type: 'malformed-json' }
	/** Destroys the socket without answering; when the request has a body, after its first chunk. */
	| { type: 'drop' }
	/**
	 * status_code -9999 whose message repeats the request line and headers, as
	 * some proxies and servers do in their errors: everything a client sent, secrets included.
	 */
	| { type: 'echo-request'; status?: number }
	/**
	 * Answers as usual, with fields of the JSON answer moved: `{"payload.name": "payload.title"}`
	 * renames, `{"payload.items": "payload.data.items"}` nests differently. Numeric segments index arrays.
	 */
	| { type: 'reshape'; move: Record<string, string> }
	/** Answers as usual, with these fields added to the JSON answer at their dotted paths: `{"payload.job_id": "j-1"}`. */
	| { type: 'add-fields'; fields: Record<string, unknown> };

export interface FaultRule {
	/** Any method when absent; compared case-insensitively. */
	method?: string;
	/** Exact pathname, or a prefix when it ends with '*'. */
	path: string;
	/** How many matching requests get the fault, default 1. */
	times?: number;
	/** Let this many matching requests through first, default 0. */
	skip?: number;
	fault: Fault;
}

/** A rule as the sandbox holds it, with how much of it is left. */
export interface ActiveFaultRule extends Required<Omit<FaultRule, 'method'>> {
	method: string | null;
	/** Matching requests seen so far, including skipped ones. */
	seen: number;
	/** Requests that got the fault so far. */
	applied: number;
}

export interface UploadRecord {
	endpoint: UploadEndpoint;
	trackingId: string;
	fileName: string;
	/** Content type of the file part as the client declared it. */
	contentType: string;
	size: number;
	/** Hex sha256 of the file part's bytes. */
	sha256: string;
	/** Every text field of the form, tracking_id included. */
	fields: Record<string, string>;
	/** Epoch ms. */
	receivedAt: number;
}

export interface WordAlignment {
	word: string;
	start: number;
	end: number;
}

export interface TranscriptionResult {
	tracking_id: string;
	text: string;
	from: string;
	to: string;
	/** JSON string of WordAlignment[]. */
	word_alignment: string;
}

export type Sentiment = 'positive' | 'neutral' | 'negative';
export type Speaker = 'STAFF' | 'CUSTOMER';

export interface CriteriaScore {
	criteria: string;
	passed: boolean;
	score: number;
	max_score: number;
}

export interface QualityScore {
	score: number;
	max_score: number;
	passed: string[];
	failed: string[];
}

export interface UtteranceAnalytics {
	speaker: Speaker;
	text: string;
	start: number;
	end: number;
	sentiment: Sentiment;
}

export interface AnalysisResult {
	tracking_id: string;
	analyst_results: {
		staff_talk_time: number;
		customer_talk_time: number;
		staff_score: number;
		customer_score: number;
	};
	criteria_classification_result: {
		criteria_set_name: string;
		total_score: number;
		max_score: number;
		results: CriteriaScore[];
	};
	customer_talk_time: number;
	staff_talk_time: number;
	/** JSON string of WordAlignment[]. */
	customer_word_alignments: string;
	staff_word_alignments: { speaker: 'STAFF'; word_count: number; words: WordAlignment[] };
	keyword_count: Record<string, number>;
	/** JSON string of { summary, sentiment, customer_intent, next_action }. */
	nl_analyze_result: string;
	quality_evaluation_result: { STAFF: QualityScore; CUSTOMER: QualityScore };
	result_nlp_analytics: UtteranceAnalytics[];
}

export type ResultBody = TranscriptionResult | AnalysisResult;

export interface DeliveryRecord {
	id: string;
	/** null when no webhook was registered when the result was due. */
	url: string | null;
	kind: DeliveryKind;
	trackingId: string;
	attempts: number;
	/** HTTP status of the last attempt; null when it got no answer. */
	lastStatus: number | null;
	/** Why the last attempt failed (connection error, timeout, no webhook); null otherwise. */
	lastError: string | null;
	/** The first 200 characters of the last answer's body; null when there was no answer. */
	lastAnswer: string | null;
	delivered: boolean;
	/** false while attempts are still due. */
	done: boolean;
	body: ResultBody;
}

export interface RequestLogEntry {
	method: string;
	path: string;
	query: Record<string, string>;
	/** Lower-cased names, full values (repeated headers joined with ', '). */
	headers: Record<string, string>;
	/** null while unanswered or when the socket was dropped. */
	status: number | null;
	/** Epoch ms. */
	at: number;
}

export interface PhoneError {
	phone: string;
	error_code: 'number_dnc' | 'invalid_phone_number';
	message: string;
}

export interface CallbotSession {
	autocallId: string;
	/** The `cid` query parameter; null when absent. */
	cidQuery: string | null;
	body: Record<string, unknown>;
	errors: PhoneError[];
	/** Phones of the contacts that were not rejected, in request order. */
	acceptedPhones: string[];
	/** Epoch ms. */
	createdAt: number;
}

export interface WebhookState {
	current: string | null;
	history: string[];
}

/** A call sent to the Alovoice sandbox for analysis. */
export interface AlovoiceCall {
	callId: string;
	/** Epoch ms of the first send. */
	sentAt: number;
	/** How often its result was asked for. */
	polls: number;
}

export interface AlovoiceControl {
	/** null: the analysis never becomes ready. reset() restores the option's value. */
	setReadyAfterMs(ms: number | null): void;
	calls(): AlovoiceCall[];
}

export interface SandboxStats {
	authRequests: number;
	tokensIssued: number;
	uploads: number;
	deliveries: number;
	/** Call-history searches answered (one per page). */
	callSearches: number;
}

/** Every getter returns a copy: callers cannot change the sandbox's state through it. */
export interface SandboxControl {
	reset(): void;
	/** Throws when the rule is malformed. */
	addFault(rule: FaultRule): void;
	clearFaults(): void;
	faults(): ActiveFaultRule[];
	expireTokens(): void;
	uploads(): UploadRecord[];
	webhook(): WebhookState;
	deliveries(): DeliveryRecord[];
	/** Builds the result for the tracking id and POSTs it now; resolves once delivered or given up. */
	deliver(kind: DeliveryKind, trackingId: string, url?: string): Promise<DeliveryRecord>;
	requests(): RequestLogEntry[];
	sessions(): CallbotSession[];
	/** Puts calls into the call history and returns them as stored. */
	addCalls(specs: CallSpec[]): SandboxCall[];
	calls(): SandboxCall[];
	stats(): SandboxStats;
}

export interface Sandbox {
	/** e.g. http://127.0.0.1:41234 */
	url: string;
	port: number;
	apiKey: string;
	alovoiceToken: string;
	/** The Alovoice part is in-process only: the HTTP control API covers OMI. */
	control: SandboxControl & {
		alovoice: AlovoiceControl;
		/** Recording downloads (GET /recordings/…) whose connection is still open: one nobody reads stays open. */
		openRecordingDownloads(): number;
	};
	/** Stops the server, cancels pending deliveries and timers, closes keep-alive sockets. */
	close(): Promise<void>;
}
