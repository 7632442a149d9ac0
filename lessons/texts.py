"""The words of the lessons, in English and Chinese.

Keys: ``lesson.<id>.title|body|takeaway``, questions ``q.*``, their options ``opt.*``,
the explanation shown after an answer ``explain.*``, measured facts ``fact.*`` and
viewer links ``link.*``. ``{placeholders}`` are filled from the trace by ``lessons``.
"""

from __future__ import annotations

LESSON_TEXTS: dict[str, dict[str, str]] = {
    # ---- 1. blocking -------------------------------------------------------------------------------------
    "lesson.blocking.title": {"en": "1. Why a blocking loop wastes the agent's time",
                              "zh": "1. 为什么阻塞式循环浪费智能体的时间"},
    "lesson.blocking.body": {
        "en": "An agent loop repeats three moves: ask the model what to do, run the tools it picked, and give "
              "it the results. When one of those tools is a shell command that needs a minute, the loop stays "
              "inside that single tool call for the whole minute. Nobody can ask the model anything, and no "
              "other tool gets to run.\n\n"
              "The scenario **{scenario}** asks for two jobs that do not depend on each other: run the test "
              "suite (`{command}`, about 60 s) and update the docs. The same model decisions are replayed in "
              "two harnesses:\n\n"
              "- **serial** (s07): every command runs on the main thread, so the docs file is written at "
              "**{docs_serial} s**, after the tests are over;\n"
              "- **parallel** (s08): `background_run` gives the tests to a background thread, and the docs "
              "file is written at **{docs_parallel} s**.\n\n"
              "The total hardly moves ({serial_wall} s against {parallel_wall} s), because the tests dominate "
              "both runs. What moves is what the main thread may do while they run.",
        "zh": "智能体的循环不断重复三个动作：问模型下一步做什么，执行它选中的工具，再把结果交回给它。"
              "如果其中一个工具是需要一分钟的 shell 命令，循环就会在这一次工具调用里整整停留一分钟："
              "既不能再问模型，也没有别的工具可以执行。\n\n"
              "场景 **{scenario}** 要做两件互不依赖的事：跑测试（`{command}`，约 60 秒）和更新文档。"
              "同一组模型决策在两种执行器中重放：\n\n"
              "- **串行**（s07）：每条命令都在主线程上执行，所以文档要到 **{docs_serial} 秒** 才写出，"
              "也就是测试全部结束之后；\n"
              "- **并行**（s08）：`background_run` 把测试交给后台线程，文档在 **{docs_parallel} 秒** 就写好了。\n\n"
              "总耗时几乎不变（{serial_wall} 秒对 {parallel_wall} 秒），因为两次运行都由测试决定。"
              "真正改变的，是测试运行期间主线程能做什么。"},
    "lesson.blocking.takeaway": {
        "en": "A background thread does not make a slow command faster; it stops the command from holding the "
              "loop hostage.",
        "zh": "后台线程不会让慢命令变快，它只是让慢命令不再把整个循环扣住。"},
    "q.blocking": {"en": "While `{command}` runs in the serial harness, what is the main thread doing?",
                   "zh": "在串行执行器中，`{command}` 运行期间主线程在做什么？"},
    "opt.blocking.docs": {"en": "Writing the docs at the same time", "zh": "同时在写文档"},
    "opt.blocking.blocked": {"en": "Nothing: it is blocked until the command ends",
                             "zh": "什么也做不了：它被阻塞，直到命令结束"},
    "opt.blocking.model": {"en": "Asking the model what to do next", "zh": "在问模型下一步做什么"},
    "explain.blocking": {
        "en": "At {t} s the serial main thread is still inside the tool call; over the whole run it is blocked "
              "for {blocked} s.",
        "zh": "在 {t} 秒时，串行主线程仍停在这次工具调用里；整个运行中它一共被阻塞了 {blocked} 秒。"},

    # ---- 2. serial trap ---------------------------------------------------------------------------------
    "lesson.serial-trap.title": {"en": "2. The serial trap with several sub-agents",
                                 "zh": "2. 多个子智能体的串行陷阱"},
    "lesson.serial-trap.body": {
        "en": "A lead agent often splits a big job among sub-agents. If starting a sub-agent blocks, the lead "
              "hands out A and waits, hands out B and waits, and only then gets to C. In **{scenario}**, "
              "A needs about 30 s, B about 20 s, and C can only start once both are done.\n\n"
              "In the parallel run the lead starts A and B with `background_run` and keeps going: it writes "
              "a plan and edits the README while they work. C is then run with plain `bash`, because the lead "
              "has nothing else to do but wait for it. This scenario also gives the background pool only "
              "**{slots}** worker slot(s), so B has to queue behind A.\n\n"
              "Predict before you look: how much sooner will the parallel run finish?",
        "zh": "主智能体常把大任务拆给几个子智能体。如果启动子智能体是阻塞的，主智能体就只能派出 A 后等待，"
              "派出 B 后再等待，最后才轮到 C。在 **{scenario}** 中，A 大约需要 30 秒，B 大约 20 秒，"
              "而 C 必须等两者都完成才能开始。\n\n"
              "在并行运行中，主智能体用 `background_run` 启动 A 和 B，然后继续干活：写计划、改 README。"
              "之后 C 用普通的 `bash` 执行，因为主智能体除了等它已经没有别的事可做。这个场景还只给后台池 "
              "**{slots}** 个工作槽，所以 B 要排在 A 后面。\n\n"
              "先预测再看：并行运行会早多少结束？"},
    "lesson.serial-trap.takeaway": {
        "en": "Parallel does not always mean sooner. It means the lead is free for other work while its "
              "sub-agents run.",
        "zh": "并行不一定更快结束，它意味着子智能体运行时，主智能体可以去做别的事。"},
    "q.serial_trap": {"en": "Sub-agents A and B go to the background. Compared with the serial harness, the "
                            "parallel run will finish…",
                      "zh": "子智能体 A 和 B 交给后台执行。与串行执行器相比，并行运行会……"},
    "opt.trap.half": {"en": "in about half the time", "zh": "大约只用一半时间"},
    "opt.trap.same": {"en": "at about the same time", "zh": "几乎同时结束"},
    "opt.trap.longer": {"en": "later", "zh": "更晚结束"},
    "explain.serial_trap": {
        "en": "Serial took {serial_wall} s and parallel {parallel_wall} s: C needs A and B, and the pool has "
              "{slots} slot(s). The difference is the main thread: blocked for {serial_blocked} s in serial, "
              "{parallel_blocked} s in parallel.",
        "zh": "串行用了 {serial_wall} 秒，并行用了 {parallel_wall} 秒：C 依赖 A 和 B，后台池只有 {slots} 个槽。"
              "差别在主线程：串行时被阻塞 {serial_blocked} 秒，并行时只有 {parallel_blocked} 秒。"},

    # ---- 3. fire and forget -----------------------------------------------------------------------------
    "lesson.fire-and-forget.title": {"en": "3. Fire and forget", "zh": "3. 发射后不管（Fire and forget）"},
    "lesson.fire-and-forget.body": {
        "en": "`background_run` does not run the command itself. It records a task, gives it a short id, "
              "starts a daemon thread that will run the command, and returns at once with a line such as "
              "`{result}`. The model reads that line as the tool result and can plan its next step "
              "immediately. The command's output comes back later, on its own, through the notification "
              "queue.\n\n"
              "In **{scenario}** the model starts `{command}` in the background and then writes a file. At "
              "the moment the file is written, the task's status is **{status}**.",
        "zh": "`background_run` 并不亲自执行命令。它登记一个任务、给它一个简短的 id、启动一个守护线程去执行命令，"
              "然后立刻返回一行类似 `{result}` 的文字。模型把这行字当作工具结果读取，马上就能规划下一步。"
              "命令的输出稍后会自己通过通知队列回来。\n\n"
              "在 **{scenario}** 中，模型先把 `{command}` 放到后台，然后写一个文件。写文件的那一刻，"
              "该任务的状态是 **{status}**。"},
    "lesson.fire-and-forget.takeaway": {
        "en": "Start it, take the ticket, move on: the result finds its own way back.",
        "zh": "启动它，拿到凭据，继续前进：结果会自己找回来。"},
    "q.fire": {"en": "The model calls `background_run` with `{command}`. What comes back as the tool result?",
               "zh": "模型用 `{command}` 调用 `background_run`。工具结果会是什么？"},
    "opt.fire.output": {"en": "The command's output, once it has finished", "zh": "命令结束后的输出"},
    "opt.fire.id": {"en": "A task id, right away", "zh": "立刻返回一个任务 id"},
    "opt.fire.error": {"en": "An error, because the command is still running", "zh": "一个错误，因为命令还在运行"},
    "explain.fire": {"en": "It returned after {took} s with: {result}", "zh": "它在 {took} 秒后返回：{result}"},

    # ---- 4. queue and drain -----------------------------------------------------------------------------
    "lesson.queue.title": {"en": "4. The notification queue, drained before every model call",
                           "zh": "4. 通知队列：每次调用模型前排空"},
    "lesson.queue.body": {
        "en": "A background thread cannot interrupt the model: a model call is one blocking request, and the "
              "conversation only changes between calls. So a finished task does the simplest thing it can: "
              "it appends a short notification to a list guarded by a lock, and its thread ends.\n\n"
              "The main loop empties (drains) that list at one fixed point: right before each model call. "
              "Whatever it finds becomes one user message wrapped in `<background-results>`, so the model "
              "sees every result that arrived since its previous call, all at once and never half "
              "written.\n\n"
              "In **{scenario}**, `{command}` finishes while model call #{call} is still thinking. Watch the "
              "queue depth go up to 1 and stay there until the drain before call #{next_call}.",
        "zh": "后台线程无法打断模型：一次模型调用是一个阻塞的请求，对话只会在两次调用之间改变。"
              "所以任务结束时只做最简单的事：把一条简短的通知追加到一个有锁保护的列表里，然后线程结束。\n\n"
              "主循环只在一个固定的时刻清空（排空）这个列表：每次调用模型之前。找到的内容会被包进 "
              "`<background-results>`，作为一条用户消息加入对话。这样模型能一次看到上次调用以来到达的所有结果，"
              "而且绝不会看到写了一半的结果。\n\n"
              "在 **{scenario}** 中，`{command}` 在第 {call} 次模型调用还在思考时就结束了。"
              "请观察队列深度升到 1，并一直保持到第 {next_call} 次调用前的排空。"},
    "lesson.queue.takeaway": {
        "en": "Results land on the boundaries between model calls, never in the middle of one.",
        "zh": "结果只会落在两次模型调用之间，绝不会插进一次调用的中间。"},
    "q.queue_when": {"en": "`{command}` finishes while model call #{call} is running. When does the model "
                           "learn about it?",
                     "zh": "`{command}` 在第 {call} 次模型调用进行中结束。模型什么时候得知？"},
    "opt.queue.now": {"en": "At once: the running model call is interrupted", "zh": "马上：正在进行的模型调用被打断"},
    "opt.queue.next": {"en": "In the next model call, after the drain", "zh": "在下一次模型调用里，排空之后"},
    "opt.queue.check": {"en": "Only if the model calls check_background", "zh": "只有模型调用 check_background 时"},
    "explain.queue_when": {
        "en": "The result waited {wait} s in the queue; the drain before model call #{next_call} delivered it.",
        "zh": "结果在队列里等了 {wait} 秒，由第 {next_call} 次模型调用前的排空送达。"},
    "q.next_drain": {"en": "What will the next drain inject?", "zh": "下一次排空会注入什么？"},
    "opt.drain.none": {"en": "Nothing: the queue is empty", "zh": "什么也没有：队列是空的"},
    "opt.drain.one": {"en": "The result of `{command}`", "zh": "`{command}` 的结果"},
    "opt.drain.all": {"en": "The results of every task started so far", "zh": "目前已启动的所有任务的结果"},
    "opt.drain.some": {"en": "The results of: {commands}", "zh": "这些任务的结果：{commands}"},
    "explain.next_drain": {
        "en": "The drain at step {step} delivered {n} result(s), and model call #{call} read them.",
        "zh": "第 {step} 步的排空送达了 {n} 条结果，第 {call} 次模型调用读到了它们。"},

    # ---- 5. FAQ: lost? ----------------------------------------------------------------------------------
    "lesson.faq-lost.title": {"en": "FAQ: is a result lost if no model call comes?",
                              "zh": "FAQ：如果没有新的模型调用，结果会丢吗？"},
    "lesson.faq-lost.body": {
        "en": "Drains only happen before model calls. So what if the model has already said it is done while a "
              "task is still running? The notification is not thrown away: it sits in the queue until "
              "something drains it.\n\n"
              "In the loop of the lesson, that next drain would come with the next model call, for example "
              "when the user writes again. The harness in this simulator goes one step further: when the "
              "model ends its turn with tasks still running, it waits for the next notification (at most "
              "{limit} s), then drains and calls the model once more. In **{scenario}** it waits {waited} s "
              "for the deploy to finish.",
        "zh": "排空只发生在模型调用之前。那么，如果模型已经说自己完成了，而任务还在运行呢？通知并不会被丢弃："
              "它会一直留在队列里，直到有人来排空。\n\n"
              "在课程里的那个循环中，下一次排空要等下一次模型调用，比如用户再次发消息时。本模拟器的执行器更进一步："
              "模型结束回合而仍有任务在运行时，它会等待下一条通知（最多 {limit} 秒），然后排空并再调用一次模型。"
              "在 **{scenario}** 中，它为部署等待了 {waited} 秒。"},
    "lesson.faq-lost.takeaway": {
        "en": "The queue keeps a result until a drain takes it; nothing expires on its own.",
        "zh": "队列会一直保存结果，直到被排空取走；不会自行过期。"},
    "q.lost": {"en": "The model has ended its turn, but a task is still running. What happens to its result?",
               "zh": "模型已经结束了回合，但还有一个任务在运行。它的结果会怎样？"},
    "opt.lost.lost": {"en": "It is lost: nobody drains the queue any more", "zh": "丢失：再也没有人排空队列"},
    "opt.lost.waits": {"en": "It waits in the queue; the harness waits for it and calls the model again",
                       "zh": "它在队列中等待；执行器等到它，再调用一次模型"},
    "opt.lost.user": {"en": "The model has to call check_background to get it",
                      "zh": "模型必须调用 check_background 才能拿到"},
    "explain.lost": {"en": "The harness waited {waited} s (limit {limit} s), drained the result and called the "
                           "model again.",
                     "zh": "执行器等待了 {waited} 秒（上限 {limit} 秒），排空结果后又调用了一次模型。"},

    # ---- 6. FAQ: order ----------------------------------------------------------------------------------
    "lesson.faq-order.title": {"en": "FAQ: in what order do notifications arrive?",
                               "zh": "FAQ：通知按什么顺序到达？"},
    "lesson.faq-order.body": {
        "en": "Each finished task appends its own notification, so the queue holds them in the order the tasks "
              "finished, not the order they were started. A drain takes everything that is in the queue at "
              "that moment, keeps that order, and injects it as one `<background-results>` block with one line "
              "per task.\n\n"
              "In **{scenario}**, three sleeps start together. In **fan-out-20**, twenty test shards are "
              "started but only {slots} run at a time; the others wait with status `queued`. The table lists "
              "every drain that delivered something ({drains} of them, at most {batch} result(s) in one "
              "drain). Here the loop was idle, so it woke up and drained as soon as a result landed, which is "
              "why most drains carry one line. When the main thread is busy (a long model call, a slow tool), "
              "results pile up and the next drain carries them together.",
        "zh": "每个结束的任务各自追加一条通知，所以队列里的顺序是任务结束的顺序，而不是启动的顺序。"
              "一次排空会取走当时队列里的全部内容，保持这个顺序，作为一个 `<background-results>` 块注入，"
              "每个任务一行。\n\n"
              "在 **{scenario}** 中，三个 sleep 同时启动。在 **fan-out-20** 中，二十个测试分片都被启动，"
              "但同一时间只运行 {slots} 个，其余的处于 `queued` 状态等待。下表列出每一次带出结果的排空"
              "（共 {drains} 次，单次最多 {batch} 条）。这里主循环处于空闲，结果一到它就醒来排空，"
              "所以大多数排空只带一行。当主线程正忙（模型调用很长、工具很慢）时，结果会积压，"
              "下一次排空会把它们一起带出。"},
    "lesson.faq-order.takeaway": {
        "en": "First finished, first reported; one drain delivers everything that is waiting.",
        "zh": "先结束的先报告；一次排空送出所有正在等待的结果。"},
    "q.order_three": {"en": "Three sleeps (2, 4 and 6 s) start together. Whose result does the first drain with "
                            "a result deliver?",
                      "zh": "三个 sleep（2、4、6 秒）同时启动。第一次带出结果的排空送达的是谁的结果？"},
    "q.order_fan": {"en": "Twenty shards are started in order 1, 2, 3… with {slots} running at a time. Which "
                          "shard's result is reported first?",
                    "zh": "二十个分片按 1、2、3……的顺序启动，同时最多运行 {slots} 个。哪个分片的结果最先报告？"},
    "opt.command": {"en": "`{command}`", "zh": "`{command}`"},
    "explain.order_three": {"en": "`{command}` finished first, so its notification was first in the queue.",
                            "zh": "`{command}` 最先结束，所以它的通知排在队列最前面。"},
    "explain.order_fan": {
        "en": "`{command}` finished first. `{shortest}` is the shortest shard, but it had to wait for a free "
              "slot before it could even start.",
        "zh": "`{command}` 最先结束。`{shortest}` 虽然是最短的分片，但它得先等到空闲的槽才能开始。"},

    # ---- 7. FAQ: long output ----------------------------------------------------------------------------
    "lesson.faq-long-output.title": {"en": "FAQ: what happens to long output?", "zh": "FAQ：输出太长怎么办？"},
    "lesson.faq-long-output.body": {
        "en": "A build can print megabytes. Three limits keep that from flooding the conversation:\n\n"
              "- the notification carries only the first **500 characters** of the output, as a preview;\n"
              "- the task keeps up to **50,000 characters** as its result, which the model can ask for with "
              "`check_background(task_id)`;\n"
              "- an output longer than that is also kept whole in a log file (`{file}`) that `read_file` can "
              "open; a shorter one fits in the result, so no file is made for it.\n\n"
              "In **{scenario}** the command prints {bytes} bytes. Predict how much of it reaches the model "
              "through the drain.",
        "zh": "一次构建可能输出好几兆。三道限制让它不至于淹没对话：\n\n"
              "- 通知只携带输出的前 **500 个字符**，作为预览；\n"
              "- 任务自身最多保留 **50,000 个字符** 作为结果，模型可以用 `check_background(task_id)` 取回；\n"
              "- 比这更长的输出还会完整地写入日志文件（`{file}`），可以用 `read_file` 打开；更短的输出结果里就放得下，"
              "不会为它建文件。\n\n"
              "在 **{scenario}** 中，命令输出了 {bytes} 字节。先预测有多少会通过排空到达模型。"},
    "lesson.faq-long-output.takeaway": {
        "en": "The drain sends a preview; the full text is one tool call away.",
        "zh": "排空只送预览；完整内容只需再调用一次工具。"},
    "q.long": {"en": "The build prints {bytes} bytes. How much of it does the notification carry?",
               "zh": "构建输出了 {bytes} 字节。通知里带了多少？"},
    "opt.long.all": {"en": "All of it", "zh": "全部"},
    "opt.long.result": {"en": "The first 50,000 characters", "zh": "前 50,000 个字符"},
    "opt.long.preview": {"en": "The first 500 characters", "zh": "前 500 个字符"},
    "opt.long.status": {"en": "Only the status, no output", "zh": "只有状态，没有输出"},
    "explain.long": {
        "en": "The notification carried {preview} characters; check_background returns {full}; the whole "
              "output is in {file}.",
        "zh": "通知携带了 {preview} 个字符；check_background 返回 {full} 个；完整输出在 {file} 中。"},

    # ---- 8. FAQ: compaction -----------------------------------------------------------------------------
    "lesson.faq-compaction.title": {"en": "FAQ: how do background results meet context compaction?",
                                    "zh": "FAQ：后台结果和上下文压缩是什么关系？"},
    "lesson.faq-compaction.body": {
        "en": "There is no side channel. After a drain, the results are a plain user message whose text "
              "starts with `<background-results>`, and the model reads it like anything else in the "
              "conversation. A context compactor sees it the same way: when the conversation grows too long, "
              "this message can be summarised or cut like any other. If you want background results to be "
              "kept longer, or trimmed first, the compactor has to recognise that block; the loop itself does "
              "nothing special for it.\n\n"
              "Below is the message list right after the drain in **{scenario}**; message {index} is the "
              "injected one. Compacting it loses nothing for good: the task still holds its result, and an output "
              "too long for the result is kept whole in a log file.",
        "zh": "没有什么旁路通道。排空之后，结果就是一条普通的用户消息，文本以 `<background-results>` 开头，"
              "模型像读对话里的其他内容一样读它。上下文压缩器也一样看待它：对话太长时，这条消息可以像其他消息"
              "一样被摘要或截断。如果希望后台结果保留得更久，或者优先被截短，就得让压缩器认出这个块；"
              "循环本身不会对它做任何特殊处理。\n\n"
              "下面是 **{scenario}** 中排空之后的消息列表，第 {index} 条就是被注入的那条。压缩它并不会造成"
              "永久损失：任务仍保存着结果，结果放不下的长输出还完整地保存在日志文件里。"},
    "lesson.faq-compaction.takeaway": {
        "en": "Injected results are ordinary conversation text, and compaction treats them as such.",
        "zh": "注入的结果就是普通的对话文本，压缩也把它当普通文本处理。"},
    "q.compaction": {"en": "After the drain, where do the background results live in the conversation?",
                     "zh": "排空之后，后台结果在对话中的什么位置？"},
    "opt.compact.separate": {"en": "In a separate channel that compaction never touches",
                             "zh": "在压缩永远碰不到的独立通道里"},
    "opt.compact.user": {"en": "In an ordinary user message with <background-results> text",
                         "zh": "在一条带 <background-results> 文本的普通用户消息里"},
    "opt.compact.tool": {"en": "Inside the tool result of background_run", "zh": "在 background_run 的工具结果里"},
    "explain.compaction": {"en": "Message {index} of {count} is a plain user message; compaction sees it like "
                                 "any other.",
                           "zh": "{count} 条消息中的第 {index} 条是普通用户消息；压缩把它当作普通消息处理。"},

    # ---- facts ------------------------------------------------------------------------------------------
    "fact.wall": {"en": "Wall time (serial / parallel)", "zh": "总耗时（串行 / 并行）"},
    "fact.blocked": {"en": "Main thread blocked (serial / parallel)", "zh": "主线程被阻塞（串行 / 并行）"},
    "fact.docs_written": {"en": "Docs written at (serial / parallel)", "zh": "文档写出时刻（串行 / 并行）"},
    "fact.waiting": {"en": "Main thread free, waiting for results (serial / parallel)",
                     "zh": "主线程空闲、等待结果（串行 / 并行）"},
    "fact.slots": {"en": "Background worker slots", "zh": "后台工作槽数"},
    "fact.returned": {"en": "background_run returned", "zh": "background_run 的返回"},
    "fact.return_time": {"en": "…after", "zh": "……耗时"},
    "fact.status_at_write": {"en": "Task status when the file is written", "zh": "写文件时任务的状态"},
    "fact.finished_at": {"en": "Task finished at (during model call #{call})",
                         "zh": "任务结束时刻（第 {call} 次模型调用期间）"},
    "fact.delivered_at": {"en": "Delivered by a drain at", "zh": "被排空送达的时刻"},
    "fact.queue_wait": {"en": "Time spent in the queue", "zh": "在队列中停留的时间"},
    "fact.seen_in_call": {"en": "First model call that sees it", "zh": "第一次看到它的模型调用"},
    "fact.turn_ended": {"en": "Model ended its turn at", "zh": "模型结束回合的时刻"},
    "fact.waited": {"en": "Harness waited for the result", "zh": "执行器为结果等待了"},
    "fact.wait_limit": {"en": "Wait limit", "zh": "等待上限"},
    "fact.final_answer": {"en": "Model's answer after the result", "zh": "收到结果后模型的回答"},
    "fact.order_three": {"en": "Delivery order (three sleeps)", "zh": "送达顺序（三个 sleep）"},
    "fact.fan_spawn_order": {"en": "fan-out-20: start order", "zh": "fan-out-20：启动顺序"},
    "fact.fan_finish_order": {"en": "fan-out-20: delivery order", "zh": "fan-out-20：送达顺序"},
    "fact.fan_drains": {"en": "fan-out-20: drains that delivered something", "zh": "fan-out-20：带出结果的排空次数"},
    "fact.fan_batch": {"en": "fan-out-20: most results in one drain", "zh": "fan-out-20：单次排空最多结果数"},
    "fact.output_bytes": {"en": "Output of the command (bytes)", "zh": "命令输出（字节）"},
    "fact.preview_chars": {"en": "Characters in the notification", "zh": "通知中的字符数"},
    "fact.inject_chars": {"en": "Characters injected (with the wrapper)", "zh": "注入的字符数（含包装）"},
    "fact.check_chars": {"en": "Characters check_background returns", "zh": "check_background 返回的字符数"},
    "fact.output_file": {"en": "File with the full output", "zh": "完整输出所在文件"},
    "fact.messages_at_inject": {"en": "Messages after the drain", "zh": "排空后的消息数"},
    "fact.injected_role": {"en": "Role of the injected message", "zh": "被注入消息的角色"},

    # ---- links ------------------------------------------------------------------------------------------
    "link.ask": {"en": "Where the question is asked", "zh": "提问的那一步"},
    "link.reveal_drain": {"en": "The drain that delivers the result", "zh": "送达结果的那次排空"},
    "link.reveal_blocked": {"en": "The serial run, blocked", "zh": "串行运行被阻塞"},
    "link.reveal_return": {"en": "background_run returns", "zh": "background_run 返回"},
    "link.reveal_end": {"en": "The end of the parallel run", "zh": "并行运行的结尾"},
    "link.serial_blocked": {"en": "Serial: `{command}` blocks the main thread", "zh": "串行：`{command}` 阻塞主线程"},
    "link.parallel_spawn": {"en": "Parallel: `{command}` goes to the background", "zh": "并行：`{command}` 进入后台"},
    "link.parallel_docs": {"en": "Parallel: the docs are written while the tests run",
                           "zh": "并行：测试运行期间写文档"},
    "link.serial_subagent": {"en": "Serial: the first sub-agent blocks the lead", "zh": "串行：第一个子智能体阻塞主智能体"},
    "link.parallel_plan": {"en": "Parallel: the lead writes a plan while A runs",
                           "zh": "并行：A 运行期间主智能体写计划"},
    "link.parallel_c": {"en": "Parallel: C runs with bash once A and B are done",
                        "zh": "并行：A 和 B 完成后用 bash 运行 C"},
    "link.parallel_return": {"en": "background_run returns a task id", "zh": "background_run 返回任务 id"},
    "link.parallel_write": {"en": "The file is written while the task runs", "zh": "任务运行期间写文件"},
    "link.finish_in_call": {"en": "The task finishes during model call #{call}",
                            "zh": "任务在第 {call} 次模型调用期间结束"},
    "link.inject": {"en": "The injected `<background-results>` message", "zh": "被注入的 `<background-results>` 消息"},
    "link.end_turn": {"en": "The model ends its turn", "zh": "模型结束回合"},
    "link.wait": {"en": "The harness waits for the running task", "zh": "执行器等待仍在运行的任务"},
    "link.fan_first": {"en": "fan-out-20: the first drain with a result", "zh": "fan-out-20：第一次带出结果的排空"},
    "link.fan_failure": {"en": "fan-out-20: the failing shard `{command}` is delivered",
                         "zh": "fan-out-20：失败的分片 `{command}` 被送达"},
    "link.check": {"en": "check_background fetches the long result", "zh": "check_background 取回长结果"},
}
