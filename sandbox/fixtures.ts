/**
 * Static Vietnamese content the sandbox serves: callBot scripts, call dialogues
 * with their LLM-style summaries, QA criteria and callBot intents. generate.ts
 * turns these into the API's answers, deterministically per id.
 */

import type { Sentiment, Speaker } from './types';

// ---------------------------------------------------------------- callBot scripts

export interface ScriptFixture {
	id: string;
	uuid: string;
	name: string;
	voice: string;
	speed: number;
	type: 'NORMAL' | 'SURVEY';
	isPublish: boolean;
	isDraft: boolean;
	version: number;
	createdDate: number;
	lastUpdatedDate: number;
	/** [field_code, field_name]; an empty name is what OMI sends for variables nobody labelled. */
	variables: Array<[string, string]>;
	/** What the bot says, node by node, in order. */
	prompts: string[];
}

export const SCRIPTS: ScriptFixture[] = [
	{
		id: '66f1a2b3c4d5e6f708192a3b',
		uuid: '0b6c3f0e-7a52-4c1e-9d1b-2f3a4b5c6d7e',
		name: 'Nhắc nợ khoản vay tiêu dùng',
		voice: 'northern_female_ngocanh',
		speed: 1,
		type: 'NORMAL',
		isPublish: true,
		isDraft: false,
		version: 3,
		createdDate: 1727856000000,
		lastUpdatedDate: 1730793600000,
		variables: [
			['customer_name', 'Tên khách hàng'],
			['debt_amount', 'Số tiền nợ'],
			['due_date', 'Ngày đến hạn'],
			['xung_ho', ''],
		],
		prompts: [
			'Xin chào {{xung_ho}} {{customer_name}}, em là trợ lý tự động của Tài chính An Bình.',
			'Khoản vay của {{xung_ho}} có số tiền cần thanh toán là {{debt_amount}} đồng, đến hạn vào ngày {{due_date}}.',
			'{{xung_ho}} vui lòng cho biết khi nào mình có thể thanh toán ạ?',
			'Cảm ơn {{xung_ho}} đã xác nhận. Chúc {{xung_ho}} một ngày tốt lành.',
		],
	},
	{
		id: '66f1a2b3c4d5e6f708192a3c',
		uuid: '5d9e1c2b-3a4f-4e6d-8c7b-9a0b1c2d3e4f',
		name: 'Xác nhận lịch hẹn khám bệnh',
		voice: 'southern_female_honganh',
		speed: 1.1,
		type: 'NORMAL',
		isPublish: true,
		isDraft: false,
		version: 1,
		createdDate: 1728460800000,
		lastUpdatedDate: 1728547200000,
		variables: [
			['customer_name', 'Tên khách hàng'],
			['appointment_time', 'Thời gian hẹn'],
			['clinic_address', 'Địa chỉ phòng khám'],
		],
		prompts: [
			'Dạ chào {{customer_name}}, đây là cuộc gọi tự động từ Phòng khám Đa khoa Hòa Bình.',
			'Phòng khám xin xác nhận lịch hẹn của mình vào lúc {{appointment_time}} tại {{clinic_address}}.',
			'Nếu mình đến được đúng giờ, vui lòng nói "có", nếu cần đổi lịch, vui lòng nói "đổi lịch".',
		],
	},
	{
		id: '66f1a2b3c4d5e6f708192a3d',
		uuid: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
		name: 'Khảo sát mức độ hài lòng sau mua hàng',
		voice: 'southern_male_tienhuy',
		speed: 0.9,
		type: 'SURVEY',
		isPublish: true,
		isDraft: false,
		version: 2,
		createdDate: 1729065600000,
		lastUpdatedDate: 1731456000000,
		variables: [
			['customer_name', 'Tên khách hàng'],
			['order_code', 'Mã đơn hàng'],
		],
		prompts: [
			'Xin chào {{customer_name}}, cảm ơn mình đã mua hàng tại Cửa hàng Mộc Lan.',
			'Mình có hài lòng với đơn hàng {{order_code}} không ạ? Vui lòng chấm điểm từ một đến năm.',
			'Cảm ơn mình đã dành thời gian góp ý cho cửa hàng.',
		],
	},
	{
		id: '66f1a2b3c4d5e6f708192a3e',
		uuid: 'f0e1d2c3-b4a5-4968-8776-655443322110',
		name: 'Thông báo khuyến mãi tháng 12',
		voice: 'northern_male_anhkiet',
		speed: 1,
		type: 'NORMAL',
		isPublish: false,
		isDraft: true,
		version: 1,
		createdDate: 1732838400000,
		lastUpdatedDate: 1732838400000,
		variables: [],
		prompts: ['Viễn thông Sao Việt xin thông báo: tháng mười hai này, nâng cấp gói cước được tặng thêm hai tháng sử dụng miễn phí.'],
	},
];

export const SCRIPT_AUTHOR = {
	id: '634cb99eb255dc23e1abfe59',
	name: 'Quản trị viên Sandbox',
	contact_id: '634cb9ba5434a97a92dda131',
	avatar_url: null,
	ref_type: null,
	gender: null,
	email: null,
};

export const TENANT_ID = '634cb99eb255dc23e1abfe56';

// ---------------------------------------------------------------- call dialogues

export interface DialogueLine {
	speaker: Speaker;
	text: string;
	sentiment?: Sentiment;
}

/**
 * Placeholders filled per tracking id: {xung} / {Xung} how the staff addresses
 * the customer (anh / chị), {customer} the customer's given name, {staff} the
 * agent's name, {amount}, {date}, {code}.
 */
export interface DialogueFixture {
	topic: string;
	sentiment: Sentiment;
	lines: DialogueLine[];
	summary: string;
	customerIntent: string;
	nextAction: string;
}

export const DIALOGUES: DialogueFixture[] = [
	{
		topic: 'Nhắc thanh toán khoản vay',
		sentiment: 'positive',
		lines: [
			{ speaker: 'STAFF', text: 'Dạ em chào {xung} {customer}, em là {staff} gọi từ bộ phận chăm sóc khách hàng của Tài chính An Bình ạ.' },
			{ speaker: 'CUSTOMER', text: 'Ừ, chào em, có việc gì không em?' },
			{ speaker: 'STAFF', text: 'Dạ em gọi để nhắc {xung} khoản thanh toán {amount} đồng sẽ đến hạn vào ngày {date} ạ.' },
			{ speaker: 'CUSTOMER', text: 'À mình nhớ rồi, tuần này hơi kẹt, cuối tuần mình chuyển khoản được không em?' },
			{ speaker: 'STAFF', text: 'Dạ được ạ, {xung} lưu ý thanh toán trước ngày {date} để tránh phát sinh phí phạt trả chậm nhé.' },
			{ speaker: 'CUSTOMER', text: 'Ok em, mình sẽ thanh toán đúng hạn.', sentiment: 'positive' },
			{ speaker: 'STAFF', text: 'Dạ em cảm ơn {xung}, chúc {xung} một ngày tốt lành ạ.', sentiment: 'positive' },
		],
		summary: 'Nhân viên {staff} nhắc khách hàng {customer} khoản thanh toán {amount} đồng đến hạn ngày {date}. Khách hàng hẹn chuyển khoản vào cuối tuần, trước hạn.',
		customerIntent: 'Xin thanh toán vào cuối tuần, trước ngày đến hạn',
		nextAction: 'Kiểm tra giao dịch chuyển khoản sau cuối tuần; nếu chưa nhận được thì gọi nhắc lại trước ngày {date}.',
	},
	{
		topic: 'Khiếu nại mất kết nối internet',
		sentiment: 'negative',
		lines: [
			{ speaker: 'STAFF', text: 'Dạ Viễn thông Sao Việt xin nghe, em là {staff}, em có thể hỗ trợ gì cho {xung} ạ?' },
			{ speaker: 'CUSTOMER', text: 'Mạng nhà tôi mất kết nối từ sáng đến giờ, gọi mấy lần rồi mà chưa ai xuống kiểm tra.', sentiment: 'negative' },
			{ speaker: 'STAFF', text: 'Dạ em rất xin lỗi {xung} vì sự bất tiện này. {Xung} cho em xin số hợp đồng để em kiểm tra ạ.' },
			{ speaker: 'CUSTOMER', text: 'Số hợp đồng là {code}.' },
			{ speaker: 'STAFF', text: 'Dạ khu vực của {xung} đang có sự cố cáp quang, kỹ thuật viên sẽ qua hỗ trợ trong vòng hai giờ tới ạ.' },
			{ speaker: 'CUSTOMER', text: 'Lần này mà không xong thì tôi hủy dịch vụ đấy.', sentiment: 'negative' },
			{ speaker: 'STAFF', text: 'Dạ em đã ghi nhận và chuyển yêu cầu ưu tiên, em sẽ gọi lại cho {xung} ngay khi xử lý xong ạ.' },
		],
		summary: 'Khách hàng {customer} (hợp đồng {code}) khiếu nại mất internet từ sáng và đã gọi nhiều lần. Nhân viên {staff} xác nhận sự cố cáp quang khu vực, hẹn kỹ thuật viên đến trong hai giờ.',
		customerIntent: 'Khiếu nại mất kết nối, đe dọa hủy dịch vụ nếu không được xử lý',
		nextAction: 'Theo dõi phiếu sự cố của hợp đồng {code} và gọi lại khách hàng trong vòng hai giờ; cân nhắc giảm cước tháng này.',
	},
	{
		topic: 'Hỗ trợ đơn hàng giao chậm',
		sentiment: 'neutral',
		lines: [
			{ speaker: 'STAFF', text: 'Dạ Cửa hàng Mộc Lan xin nghe, em là {staff}, em có thể hỗ trợ gì cho {xung} ạ?' },
			{ speaker: 'CUSTOMER', text: 'Tôi đặt đơn hàng {code} từ hôm thứ hai mà đến giờ vẫn chưa nhận được.', sentiment: 'negative' },
			{ speaker: 'STAFF', text: 'Dạ {xung} vui lòng chờ em một chút để em kiểm tra trạng thái đơn hàng ạ.' },
			{ speaker: 'STAFF', text: 'Dạ đơn hàng của {xung} đang ở kho trung chuyển, dự kiến giao vào ngày {date} ạ.' },
			{ speaker: 'CUSTOMER', text: 'Giao chậm quá, vậy có được hỗ trợ phí vận chuyển không em?' },
			{ speaker: 'STAFF', text: 'Dạ em xin lỗi vì giao hàng chậm, em đã tặng {xung} mã miễn phí vận chuyển cho lần mua tiếp theo ạ.' },
			{ speaker: 'CUSTOMER', text: 'Ừ, cảm ơn em.', sentiment: 'positive' },
		],
		summary: 'Khách hàng {customer} hỏi về đơn hàng {code} chưa nhận được. Nhân viên {staff} báo đơn đang ở kho trung chuyển, dự kiến giao ngày {date}, và tặng mã miễn phí vận chuyển.',
		customerIntent: 'Hỏi tình trạng đơn hàng giao chậm và xin hỗ trợ phí vận chuyển',
		nextAction: 'Theo dõi đơn {code} đến khi giao thành công vào ngày {date}; gửi tin nhắn xác nhận mã miễn phí vận chuyển.',
	},
	{
		topic: 'Tư vấn gói bảo hiểm sức khỏe',
		sentiment: 'positive',
		lines: [
			{ speaker: 'STAFF', text: 'Dạ em chào {xung} {customer}, em là {staff} từ Bảo hiểm Phú An, không biết {xung} có tiện nghe máy không ạ?' },
			{ speaker: 'CUSTOMER', text: 'Ừ, em nói đi.' },
			{ speaker: 'STAFF', text: 'Dạ bên em đang có gói bảo hiểm sức khỏe phí chỉ {amount} đồng mỗi năm, chi trả nội trú lên đến một trăm triệu ạ.' },
			{ speaker: 'CUSTOMER', text: 'Gói này có áp dụng cho cả gia đình không em?' },
			{ speaker: 'STAFF', text: 'Dạ có ạ, {xung} đăng ký thêm cho người thân sẽ được giảm mười lăm phần trăm phí bảo hiểm.' },
			{ speaker: 'CUSTOMER', text: 'Nghe cũng hay đấy, em gửi thông tin qua Zalo để mình xem trước nhé.', sentiment: 'positive' },
			{ speaker: 'STAFF', text: 'Dạ vâng, em gửi ngay và hẹn gọi lại {xung} vào ngày {date} ạ. Em cảm ơn {xung}.', sentiment: 'positive' },
		],
		summary: 'Nhân viên {staff} giới thiệu gói bảo hiểm sức khỏe {amount} đồng mỗi năm cho khách hàng {customer}. Khách hàng quan tâm gói gia đình và muốn nhận thông tin qua Zalo.',
		customerIntent: 'Quan tâm gói bảo hiểm gia đình, cần thêm thông tin trước khi quyết định',
		nextAction: 'Gửi tài liệu gói bảo hiểm qua Zalo hôm nay và gọi lại tư vấn vào ngày {date}.',
	},
	{
		topic: 'Xác nhận lịch hẹn khám',
		sentiment: 'positive',
		lines: [
			{ speaker: 'STAFF', text: 'Dạ em chào {xung} {customer}, em là {staff} gọi từ Phòng khám Đa khoa Hòa Bình để xác nhận lịch hẹn ngày {date} ạ.' },
			{ speaker: 'CUSTOMER', text: 'À đúng rồi, mấy giờ vậy em?' },
			{ speaker: 'STAFF', text: 'Dạ lịch hẹn của {xung} lúc chín giờ sáng, {xung} nhớ mang theo sổ khám bệnh và thẻ bảo hiểm y tế ạ.' },
			{ speaker: 'CUSTOMER', text: 'Cho mình đổi sang buổi chiều được không em?' },
			{ speaker: 'STAFF', text: 'Dạ được ạ, em đã dời lịch sang hai giờ chiều cùng ngày cho {xung} rồi ạ.' },
			{ speaker: 'CUSTOMER', text: 'Cảm ơn em nhiều.', sentiment: 'positive' },
			{ speaker: 'STAFF', text: 'Dạ không có gì ạ, hẹn gặp {xung} tại phòng khám.', sentiment: 'positive' },
		],
		summary: 'Nhân viên {staff} gọi xác nhận lịch khám ngày {date} của khách hàng {customer}. Khách hàng xin đổi giờ và lịch đã được dời sang hai giờ chiều cùng ngày.',
		customerIntent: 'Đổi lịch hẹn khám sang buổi chiều',
		nextAction: 'Cập nhật lịch hẹn ngày {date} sang 14:00 và gửi tin nhắn nhắc lịch trước một ngày.',
	},
];

export const CUSTOMERS: Array<{ givenName: string; xung: 'anh' | 'chị' }> = [
	{ givenName: 'Minh', xung: 'anh' },
	{ givenName: 'Lan', xung: 'chị' },
	{ givenName: 'Nam', xung: 'anh' },
	{ givenName: 'Hà', xung: 'chị' },
	{ givenName: 'Bảo', xung: 'anh' },
	{ givenName: 'Mai', xung: 'chị' },
	{ givenName: 'Dũng', xung: 'anh' },
	{ givenName: 'Hương', xung: 'chị' },
];

export const STAFF_NAMES = ['Thảo', 'Hùng', 'Vy', 'Tuấn', 'Linh', 'Phương'];

/** Counted in keyword_count whenever they occur in the call. */
export const TRACKED_KEYWORDS = [
	'cảm ơn',
	'xin lỗi',
	'hỗ trợ',
	'thanh toán',
	'chuyển khoản',
	'phí',
	'hủy',
	'đơn hàng',
	'bảo hiểm',
	'lịch hẹn',
	'kiểm tra',
	'khiếu nại',
];

// ---------------------------------------------------------------- QA criteria

/** Weights add up to 100, so a criteria set's total score is directly the 0-100 QA score. */
export const STAFF_CRITERIA_SET = {
	name: 'Bộ tiêu chí chăm sóc khách hàng qua điện thoại',
	criteria: [
		{ name: 'Chào hỏi và giới thiệu bản thân', maxScore: 10 },
		{ name: 'Xác minh thông tin khách hàng', maxScore: 15 },
		{ name: 'Lắng nghe, không ngắt lời khách hàng', maxScore: 10 },
		{ name: 'Giải quyết đúng nhu cầu', maxScore: 20 },
		{ name: 'Thái độ lịch sự, thân thiện', maxScore: 15 },
		{ name: 'Sử dụng ngôn từ chuẩn mực', maxScore: 10 },
		{ name: 'Tóm tắt và xác nhận lại thông tin', maxScore: 10 },
		{ name: 'Chào kết thúc cuộc gọi', maxScore: 10 },
	],
};

export const CUSTOMER_CRITERIA_SET = {
	name: 'Đánh giá khách hàng',
	criteria: [
		{ name: 'Hợp tác cung cấp thông tin', maxScore: 30 },
		{ name: 'Giữ thái độ bình tĩnh', maxScore: 25 },
		{ name: 'Không dùng từ ngữ tiêu cực', maxScore: 25 },
		{ name: 'Đồng ý với phương án xử lý', maxScore: 20 },
	],
};

// ---------------------------------------------------------------- callBot analysed logs

export interface IntentFixture {
	intent: string;
	/** What customers say that the bot classifies as this intent. */
	utterances: string[];
	/** Entity type extracted from these utterances, if any. */
	entityType?: string;
}

export const INTENTS: IntentFixture[] = [
	{ intent: 'omi_intent_greeting', utterances: ['alo', 'alo ai đấy', 'alo, tôi nghe đây', 'vâng, alo'] },
	{ intent: 'omi_intent_confirm_right', utterances: ['vâng', 'dạ vâng', 'đúng rồi', 'đúng rồi em', 'ừ, đúng tôi đây', 'phải rồi'] },
	{ intent: 'omi_intent_confirm_wrong', utterances: ['không phải', 'nhầm số rồi', 'không phải tôi đâu', 'số này không phải của người đó'] },
	{
		intent: 'omi_intent_promise_to_pay',
		utterances: ['để tôi sắp xếp thanh toán trong tuần này', 'cuối tháng tôi chuyển khoản nhé', 'mai tôi chuyển tiền', 'thứ sáu này tôi đóng tiền'],
		entityType: 'date',
	},
	{ intent: 'omi_intent_already_paid', utterances: ['tôi đã thanh toán rồi mà', 'hôm qua tôi chuyển khoản rồi', 'tôi đóng tiền rồi, kiểm tra lại đi'] },
	{ intent: 'omi_intent_call_back_later', utterances: ['tôi đang bận, gọi lại sau nhé', 'đang lái xe, lát gọi lại', 'chiều gọi lại giúp tôi'], entityType: 'time' },
	{ intent: 'omi_intent_ask_info', utterances: ['số tiền bao nhiêu vậy', 'hạn thanh toán là ngày nào', 'khoản này là khoản gì vậy', 'lãi suất bao nhiêu'] },
	{ intent: 'omi_intent_reject', utterances: ['thôi không cần đâu', 'đừng gọi cho tôi nữa', 'tôi không có nhu cầu', 'không, cảm ơn'] },
	{ intent: 'omi_intent_complaint', utterances: ['sao gọi hoài vậy', 'phí phạt gì mà cao thế', 'tôi muốn khiếu nại'] },
	{ intent: 'omi_intent_unknown', utterances: ['ừm', 'hả', 'gì cơ', 'nói lại đi'] },
];
